export * from './network-model';
export * from './port-set';
export { Selector, Labels, parseSelector, selectorMatches, describeSelector } from './selectors';
export { WorkloadInfo, PolicyInfo, PolicyRule, PolicyPeer, PolicyPortSpec, ContainerPortInfo } from './objects';
export { loadYaml, LoadLimits, LoadResult, SourcedObject } from './loader';
