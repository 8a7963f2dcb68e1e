export * from './net';
export * from './policy';
export * from './constructs';
export { NetkitError } from './private/errors';
