export * from './network-policy';
export * from './workload-network';
export * from './service-backend';
export * from './cluster-policy-json';
export * from './cilium-network-policy';
