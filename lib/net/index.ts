export * from './port';
export * from './cidr';
export * from './peer';
export * from './dns';
export * from './cluster-peer';
export * from './dialect';
export { IpAddress, IpRange } from './ip';
