export * from './network-policy';
export * from './workload-network';
