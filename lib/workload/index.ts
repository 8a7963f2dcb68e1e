export * from './namespace-ref';
export * from './probe';
export * from './service-exposure';
export * from './workload-props';
export { APP_NAME_LABEL } from './pod';
