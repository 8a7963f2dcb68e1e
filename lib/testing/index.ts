export * from './matchers';
export * from './synth';
export * from './cluster-fixtures';
