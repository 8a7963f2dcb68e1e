export * from './net';
export * from './policy';
export * from './workload';
export * from './constructs';
export * from './analysis';
export * from './lint';
export * from './testing';
export * from './cli';
export { NetkitError } from './private/errors';
