export * from './types';
export * from './engine';
export * from './sarif';
export { ALL_RULES } from './rules';
export { ObjectMemo } from './object-memo';
export { LintContext, LintContextOptions, LintWorkload, Json, PodCertainty, DnsTarget, DEFAULT_DNS_TARGETS, DEFAULT_SYSTEM_NAMESPACES, EgressIsolationScope, PortRange } from './context';
