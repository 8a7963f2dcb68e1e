export * from './namespace-ref';
export * from './secure-namespace';
export * from './probe';
export * from './service-exposure';
export * from './workload-props';
export * from './exposed-app';
export * from './netkit-lint';
