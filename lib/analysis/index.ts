export * from './network-model';
export * from './port-set';
export { Selector, SelectorRequirement, Labels, parseSelector, selectorMatches, describeSelector } from './selectors';
export { DuplicateObject } from './object-set';
export { WorkloadInfo, PolicyInfo, PolicyRule, PolicyPeer, PolicyPortSpec, ContainerPortInfo } from './objects';
export { loadYaml, LoadLimits, LoadResult, SourcedObject } from './loader';
