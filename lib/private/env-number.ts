/**
 * A size from the environment (a tuning knob such as NETKIT_PARALLEL_LINT_BYTES), or `fallback`
 * when it is unset or not a number of zero or more: a typo must not turn a feature on or off.
 */
export function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}
