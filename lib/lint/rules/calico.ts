/**
 * Lint for Calico's policies, read with the analyzer's reader (dialects/calico) so that lint and
 * verdicts agree. Each rule names the Calico documentation passage it follows.
 */
import { NetworkModel } from '../../analysis/queries/network-model';
import { CalicoEntityRule, CalicoPolicy, CalicoRule, DEFAULT_TIER, DEFAULT_TIER_ORDER, isCalicoObject, readCalicoObject } from '../../analysis/dialects/calico/calico-policy';
import { isStagedPolicy } from '../../analysis/dialects/calico/staged';
import { PortSet } from '../../analysis/model/port-set';
import { Json, LintContext } from '../context';
import { LintRule, Severity } from '../types';

const DOCS = 'https://docs.tigera.io/calico/latest/reference/resources/';

interface ReadObject { readonly object: Json; readonly read: ReturnType<typeof readCalicoObject> }

function calicoObjects(context: LintContext): ReadObject[] {
  return context.objects.filter((s) => isCalicoObject(s.object)).map((s) => ({ object: s.object, read: readCalicoObject(s) }));
}

function calicoPolicies(context: LintContext): { object: Json; policy: CalicoPolicy }[] {
  return calicoObjects(context).flatMap(({ object, read }) => (read.kind === 'policy' ? [{ object, policy: read.policy }] : []));
}

/** The tiers of the input with their order, and the default tier. */
function tierOrders(context: LintContext): Map<string, number | undefined> {
  const tiers = new Map<string, number | undefined>([[DEFAULT_TIER, DEFAULT_TIER_ORDER]]);
  for (const { read } of calicoObjects(context)) if (read.kind === 'tier') tiers.set(read.tier.name, read.tier.order);
  return tiers;
}

const isSelectorProblem = (problem: string) => / selector "/.test(problem) || problem.includes('is not a string (Calico selectors');

/** The refusals of Calico's API server, those about selectors or the others, with their objects. */
function* refusals(context: LintContext, aboutSelectors: boolean): Generator<{ object: Json; problem: string }> {
  for (const { object, read } of calicoObjects(context)) {
    if (read.kind !== 'refused') continue;
    for (const problem of read.problems) if (isSelectorProblem(problem) === aboutSelectors) yield { object, problem };
  }
}

export const calicoSelectorSyntax: LintRule = {
  id: 'calico-selector-syntax',
  severity: Severity.ERROR,
  description: "A Calico selector that does not parse (networkpolicy.md \"Selectors\"): Calico's API server refuses the object. The message gives the column where parsing stopped.",
  docs: `${DOCS}networkpolicy#selectors`,
  *check(context) {
    for (const { object, problem } of refusals(context, true)) yield { object, message: problem, fix: "Write the selector in Calico's language: label == 'value', label in {'a', 'b'}, has(label), all(), joined with && and ||." };
  },
};

export const calicoPolicyRejected: LintRule = {
  id: 'calico-policy-rejected',
  severity: Severity.ERROR,
  description: "A Calico object that Calico's API server refuses for a reason other than a selector (an unknown action or protocol, ports without a port protocol, rules for a direction `types` leaves out, a bad CIDR): it cannot exist in a cluster, and the analyzer leaves it out.",
  docs: `${DOCS}networkpolicy#rule`,
  *check(context) {
    for (const { object, problem } of refusals(context, false)) yield { object, message: problem, fix: "Correct the field as the message says (Calico's resource reference)." };
  },
};

/** Whether a policy has rules of more than one action kind in a direction it applies to. */
const actions = (policy: CalicoPolicy) => new Set([...(policy.types.ingress ? policy.ingress : []), ...(policy.types.egress ? policy.egress : [])].map((r) => r.action).filter((a) => a !== 'Log'));

export const calicoOrderTie: LintRule = {
  id: 'calico-order-tie',
  severity: Severity.WARNING,
  description: "Two Calico policies of one tier with the same order (or both without one) whose rules act differently: Calico breaks the tie by name (networkpolicy.md `order`), so renaming one changes what is allowed.",
  docs: `${DOCS}networkpolicy#spec`,
  *check(context) {
    const policies = calicoPolicies(context).filter(({ policy }) => policy.staged === undefined);
    const groups = new Map<string, { object: Json; policy: CalicoPolicy }[]>();
    for (const entry of policies) {
      const key = `${entry.policy.tier}\u0000${entry.policy.order ?? 'none'}`;
      groups.set(key, [...(groups.get(key) ?? []), entry]);
    }
    for (const group of groups.values()) {
      const sorted = [...group].sort((a, b) => (a.policy.name < b.policy.name ? -1 : 1));
      for (let i = 1; i < sorted.length; i++) {
        const first = sorted.find((other) => other !== sorted[i] && other.policy.name < sorted[i].policy.name && [...actions(other.policy)].join() !== [...actions(sorted[i].policy)].join());
        if (!first) continue;
        const { policy, object } = sorted[i];
        yield {
          object,
          message: `it has ${policy.order === undefined ? 'no order' : `order ${policy.order}`} in tier ${policy.tier}, as ${first.policy.ref} does, and their rules act differently (${[...actions(first.policy)].join('/') || 'none'} vs ${[...actions(policy).values()].join('/') || 'none'}); only their names decide which comes first`,
          fix: 'Give each policy of the tier its own order (lower is evaluated first).',
        };
      }
    }
  },
};

const unconditional = (rule: CalicoRule) => rule.protocol === undefined && rule.notProtocol === undefined && rule.icmp === undefined && rule.notICMP === undefined
  && rule.ipVersion === undefined && rule.unmodelled === undefined && [rule.source, rule.destination].every((e: CalicoEntityRule) => Object.keys(e).length === 0);

export const calicoRuleUnreachable: LintRule = {
  id: 'calico-rule-unreachable',
  severity: Severity.WARNING,
  description: 'A Calico rule after an unconditional Allow, Deny or Pass in the same policy: the first matching rule decides (tier.md "How policy is evaluated"), so it can never match.',
  docs: `${DOCS}tier#how-policy-is-evaluated`,
  *check(context) {
    for (const { object, policy } of calicoPolicies(context)) {
      for (const direction of ['ingress', 'egress'] as const) {
        const rules = policy[direction];
        const first = rules.findIndex((r) => r.action !== 'Log' && unconditional(r));
        if (first < 0) continue;
        for (const rule of rules.slice(first + 1)) {
          yield { object, message: `${direction}[${rule.index}] can never match: ${direction}[${first}] (${rules[first].action}) matches every packet first`, fix: 'Move the narrower rule above the catch-all, or remove it.' };
        }
      }
    }
  },
};

export const calicoTierMissing: LintRule = {
  id: 'calico-tier-missing',
  severity: Severity.ERROR,
  description: "A Calico policy in a tier that is not in the input: Calico's API server refuses a policy whose tier does not exist. A warning unless the input is whole (the Tier may be applied from elsewhere).",
  docs: `${DOCS}tier`,
  *check(context) {
    const tiers = tierOrders(context);
    for (const { object, policy } of calicoPolicies(context)) {
      if (tiers.has(policy.tier)) continue;
      yield {
        object,
        ...(context.options.wholeNamespaces ? {} : { severity: Severity.WARNING }),
        message: `it is in tier ${policy.tier}, which is not in the input`,
        fix: `Add the Tier: { apiVersion: projectcalico.org/v3, kind: Tier, metadata: { name: ${policy.tier} }, spec: { order: <number> } }, or move the policy to a tier that exists.`,
      };
    }
  },
};

export const calicoPassInLastTier: LintRule = {
  id: 'calico-pass-in-last-tier',
  severity: Severity.WARNING,
  description: 'A Pass rule in the last tier: there is no tier after it, so the traffic goes to the profile, which on Kubernetes allows it (networkpolicy.md Rule `action`): an Allow that does not say so. (A last tier whose defaultAction is Pass is how a baseline tier lets unmatched traffic through, and is not reported.)',
  docs: `${DOCS}networkpolicy#rule`,
  *check(context) {
    const tiers = tierOrders(context);
    const last = [...tiers.entries()].sort(([a, x], [b, y]) => (x ?? Infinity) - (y ?? Infinity) || (a < b ? -1 : 1)).at(-1)?.[0];
    for (const { object, read } of calicoObjects(context)) {
      if (read.kind !== 'policy' || read.policy.tier !== last) continue;
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of read.policy[direction].filter((r) => r.action === 'Pass')) {
          yield { object, message: `${direction}[${rule.index}] passes, but tier ${last} is the last tier: the traffic goes to the profile, which allows it`, fix: 'Use Allow to allow it (and say so), or Deny; or add a later tier for it to pass to.' };
        }
      }
    }
  },
};

export const calicoStagedWouldDeny: LintRule = {
  id: 'calico-staged-would-deny',
  severity: Severity.WARNING,
  description: 'A staged Calico policy that, enforced, would deny connections the enforced policies allow today, named per connection: the preview Calico stages it for, offline (stagednetworkpolicy.md).',
  docs: `${DOCS}stagednetworkpolicy`,
  *check(context) {
    const staged = context.objects.filter((s) => isStagedPolicy(s.object));
    if (staged.length === 0) return;
    const others = context.objects.filter((s) => !isStagedPolicy(s.object));
    const cells = (model: NetworkModel) => new Map(model.matrix().cells.map((c) => [`${c.from} -> ${c.to}`, PortSet.parse(c.ports)]));
    const today = cells(NetworkModel.fromSources(others, [], { cni: 'calico' }));
    for (const source of staged) {
      const after = cells(NetworkModel.fromSources([...others, source], [], { cni: 'calico', staged: true }));
      const broken: string[] = [];
      for (const [pair, before] of today) {
        const lost = before.minus(after.get(pair) ?? PortSet.NONE);
        if (!lost.isEmpty) broken.push(`${pair} on ${lost.toString() === 'all' ? 'every port' : lost.toString()}`);
      }
      const fix = 'If the connection is wanted, add a rule for it to the staged policy before enforcing it; if not, enforce it knowingly.';
      for (const connection of broken.slice(0, 20)) yield { object: source.object, message: `enforced, it would deny ${connection}, which is allowed today`, fix };
      if (broken.length > 20) yield { object: source.object, message: `enforced, it would deny ${broken.length - 20} more connections allowed today (netkit diff of the two answers, or netkit reach --staged, names each)`, fix };
    }
  },
};
