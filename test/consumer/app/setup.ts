// What a user puts in vitest's setupFiles: the matchers for every test file.
import 'cdk8s-netkit/testing';
