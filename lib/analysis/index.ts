export * from './queries/network-model';
export * from './model/rules';
export * from './model/port-set';
export { Selector, SelectorRequirement, Labels, parseSelector, selectorMatches, describeSelector } from './model/selectors';
export { DuplicateObject } from './input/object-set';
export { WorkloadInfo, PolicyInfo, PolicyRule, PolicyPeer, PolicyPortSpec, ContainerPortInfo } from './input/objects';
export { loadYaml, LoadLimits, LoadResult, SourcedObject } from './input/loader';
export { CalicoSelector, SelectorSyntaxError, parseCalicoSelector, calicoSelectorMatches, formatCalicoSelector } from './dialects/calico/selector';
