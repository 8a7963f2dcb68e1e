import serializer from 'jest-snapshot-serializer-raw';
import { expect } from 'vitest';
import '../lib/testing/register.mts';

// Snapshots hold raw YAML, as a user would commit it, not an escaped JS string.
expect.addSnapshotSerializer(serializer);
