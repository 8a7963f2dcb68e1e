export * from './types';
export * from './engine';
export * from './sarif';
export { ALL_RULES } from './rules';
export { LintContext, LintContextOptions, DnsTarget, DEFAULT_DNS_TARGETS, EgressIsolationScope } from './context';
