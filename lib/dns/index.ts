export * from './corefile';
export * from './coredns-plugins';
