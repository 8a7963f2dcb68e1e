/**
 * Lint for Cilium's policies, read with the analyzer's reader (dialects/cilium) so that lint and
 * verdicts agree. Each rule names the Cilium documentation passage it follows.
 */
import { fqdnMatches } from '../../analysis/model/compiled-model';
import { ModelPolicy, RulePeer } from '../../analysis/model/rules';
import { ciliumIdentity, isCiliumPolicy, readCiliumPolicy } from '../../analysis/dialects/cilium/cilium-policy';
import { Selector, isEmptySelector, selectorMatches } from '../../analysis/model/selectors';
import { Json, LintContext, dig } from '../context';
import { LintRule, RawFinding, Severity } from '../types';

const DOCS = 'https://docs.cilium.io/en/stable/security/policy/';

interface ReadCilium { readonly object: Json; readonly policies: ModelPolicy[]; readonly unmodelled: string[]; readonly problems: string[] }

/** Every Cilium policy of the input, read once per lint run. */
function ciliumPolicies(context: LintContext): ReadCilium[] {
  const objects = [...context.ofKind('CiliumNetworkPolicy'), ...context.ofKind('CiliumClusterwideNetworkPolicy')].filter(isCiliumPolicy);
  return objects.map((object) => {
    const read = readCiliumPolicy({ object }, (entry, namespace) => {
      const byName = entry.k8sService as { serviceName?: unknown; namespace?: unknown } | undefined;
      const service = byName && typeof byName.serviceName === 'string' ? context.service(typeof byName.namespace === 'string' ? byName.namespace : namespace ?? 'default', byName.serviceName) : undefined;
      const selector = dig(service, 'spec', 'selector') as Record<string, string> | undefined;
      return selector ? [{ kind: 'endpoints', selector: { matchLabels: selector, expressions: [] }, ...(namespace ? { namespace } : {}) }] : [];
    });
    return { object, ...read };
  });
}

const names = (peers: readonly RulePeer[] | null) => (peers ?? []).filter((p): p is Extract<RulePeer, { kind: 'fqdn' }> => p.kind === 'fqdn');

export const ciliumFqdnWithoutDnsRule: LintRule = {
  id: 'cilium-fqdn-without-dns-rule',
  severity: Severity.ERROR,
  description: 'A toFQDNs name that no egress rule of the same pods lets them look up through the DNS proxy (port 53 with a dns rule matching it): its addresses are never learned, so the connection never works (layer3.rst "DNS based"). A warning unless the input is whole (the lookup may be allowed by a policy applied from elsewhere).',
  docs: `${DOCS}language/#dns-based`,
  *check(context) {
    const all = ciliumPolicies(context).flatMap((c) => c.policies.filter((p) => p.tier === 'NetworkPolicy').map((p) => ({ c, p })));
    for (const { c, p } of all) {
      // The lookups any policy with the same subject allows.
      const lookups = all.filter((o) => JSON.stringify(o.p.subject) === JSON.stringify(p.subject))
        .flatMap((o) => o.p.egress.flatMap((r) => (r.ports ?? []).filter((spec) => spec.port === 53 || spec.port === undefined).flatMap((spec) => spec.l7?.dns ?? [])));
      for (const rule of p.egress) {
        for (const name of names(rule.peers)) {
          if (lookups.some((d) => (name.pattern ? d.text === '*' || d.text === name.text : fqdnMatches(d.text, d.pattern, name.text)))) continue;
          yield {
            object: c.object,
            ...(context.options.wholeNamespaces ? {} : { severity: Severity.WARNING }),
            message: `egress[${rule.index}] allows ${name.pattern ? 'names matching ' : ''}${name.text} by name (toFQDNs), but no egress rule of these pods lets them look it up through the DNS proxy, so its addresses are never learned and the connection is dropped`,
            fix: `Add an egress rule to kube-dns on port 53 (protocol ANY) with rules.dns: [{ ${name.pattern ? 'matchPattern' : 'matchName'}: "${name.text}" }].`,
          };
        }
      }
    }
  },
};

export const ciliumPolicySelectsNothing: LintRule = {
  id: 'cilium-policy-selects-nothing',
  severity: Severity.WARNING,
  description: 'A Cilium policy whose endpointSelector, or one of whose fromEndpoints/toEndpoints peers, selects no workload in the input (a partial-input rule: namespaces with no workload in the input are not judged).',
  docs: `${DOCS}language/`,
  *check(context) {
    // Whether a selector over Cilium identities matches a workload of these namespaces; undefined when none of them can be judged.
    const selectsIn = (selector: Selector, namespaces: readonly string[]): boolean | undefined => {
      if (!namespaces.some((ns) => { const certainty = context.podCertainty(ns); return certainty.certain || !certainty.silent; })) return undefined;
      return namespaces.some((ns) => context.workloadsIn(ns).some((w) => !w.hostNetwork && selectorMatches(selector, ciliumIdentity(w.labels, ns, w.serviceAccount, context.namespaceLabels(ns)))));
    };
    const findings: RawFinding[] = [];
    for (const c of ciliumPolicies(context)) {
      for (const p of c.policies.filter((x) => x.tier === 'NetworkPolicy' || x.tier === 'Deny')) {
        const where = p.ref.includes(' specs[') ? `${p.ref.slice(p.ref.indexOf(' specs[') + 1)} ` : '';
        const namespaces = typeof p.subject.namespaces === 'string' ? [p.subject.namespaces] : context.knownNamespaces();
        if (p.tier === 'NetworkPolicy' && selectsIn(p.subject.pods, namespaces) === false) {
          yield { object: c.object, message: `${where || 'its '}endpointSelector selects no workload in ${namespaces.length === 1 ? `namespace ${namespaces[0]}` : 'the input'}, so it changes nothing`, fix: 'Match the selector to the pods\' labels (with k8s: prefixes or without), or remove the policy.' };
          continue;
        }
        // Peers (language.rst "Endpoints Based"): an empty selector is every endpoint, so only non-empty ones are judged.
        for (const direction of ['ingress', 'egress'] as const) {
          for (const rule of p[direction]) {
            (rule.peers ?? []).forEach((peer, index) => {
              if (peer.kind !== 'endpoints' || isEmptySelector(peer.selector)) return;
              // A selector naming io.kubernetes.pod.namespace is held to that namespace.
              const pinned = peer.selector.matchLabels['io.kubernetes.pod.namespace'];
              const scope = peer.namespace !== undefined ? [peer.namespace] : typeof pinned === 'string' ? [pinned] : context.knownNamespaces();
              if (selectsIn(peer.selector, scope) !== false) return;
              findings.push({ object: c.object, severity: Severity.WARNING, message: `${where}${rule.list ?? direction}[${rule.index}] peer ${index + 1} (${direction === 'ingress' ? 'from' : 'to'}Endpoints) selects no workload in ${scope.length === 1 ? `namespace ${scope[0]}` : 'the input'}, so it admits nothing`, fix: 'Match the selector to the peers\' labels (a namespaced policy\'s peers are in its own namespace unless the selector names k8s:io.kubernetes.pod.namespace), or remove it.' });
            });
            yield* findings.splice(0);
          }
        }
      }
    }
  },
};

export const ciliumWorldEgressRestricted: LintRule = {
  id: 'cilium-world-egress-restricted',
  severity: Severity.WARNING,
  description: 'Egress to the world or all entity (every address outside the cluster) from pods in a namespace that enforces Pod Security restricted: the most locked-down namespaces should name their external peers (toFQDNs, toCIDR).',
  docs: `${DOCS}language/#entities-based`,
  *check(context) {
    for (const c of ciliumPolicies(context)) {
      for (const p of c.policies.filter((x) => x.tier === 'NetworkPolicy' && typeof x.subject.namespaces === 'string')) {
        const namespace = p.subject.namespaces as string;
        if (context.namespaceLabels(namespace)['pod-security.kubernetes.io/enforce'] !== 'restricted') continue;
        for (const rule of p.egress) {
          const entity = (rule.peers ?? []).find((peer) => peer.kind === 'entity' && (peer.name === 'world' || peer.name === 'all'));
          if (entity && entity.kind === 'entity') yield { object: c.object, message: `egress[${rule.index}] allows the ${entity.name} entity (every address outside the cluster) from namespace ${namespace}, which enforces Pod Security restricted`, fix: 'Name the external peers: toFQDNs with a DNS rule, or toCIDR.' };
        }
      }
    }
  },
};

export const ciliumDenyShadowsAllows: LintRule = {
  id: 'cilium-deny-shadows-allows',
  severity: Severity.WARNING,
  description: 'A Cilium deny rule that matches every peer on every port: every allow rule for the same pods in that direction can never take effect (deny.rst: deny wins over allow).',
  docs: `${DOCS}language/#deny-policies`,
  *check(context) {
    const everything = (peers: readonly RulePeer[] | null) => peers === null || peers.some((peer) => (peer.kind === 'entity' && peer.name === 'all') || (peer.kind === 'endpoints' && peer.namespace === undefined && isEmptySelector(peer.selector)));
    for (const c of ciliumPolicies(context)) {
      for (const p of c.policies.filter((x) => x.tier === 'Deny')) {
        for (const direction of ['ingress', 'egress'] as const) {
          const total = p[direction].find((r) => r.ports === null && everything(r.peers));
          if (total) yield { object: c.object, message: `${direction}Deny[${total.index}] denies every peer on every port, so no ${direction} allow for these pods can ever take effect`, fix: 'Narrow the deny rule to the peers or ports it is meant for.' };
        }
      }
    }
  },
};

export const ciliumPolicyNotRead: LintRule = {
  id: 'cilium-policy-unread',
  severity: Severity.ERROR,
  description: 'Parts of a Cilium policy the analyzer does not model (host policies, ICMP, authentication, Kafka, CIDR groups) or fields the CRD does not know (pruned by the API server), and policies its CRD refuses (an error).',
  docs: `${DOCS}language/`,
  *check(context) {
    for (const c of ciliumPolicies(context)) {
      const findings: RawFinding[] = [];
      if (c.problems.length > 0) findings.push({ object: c.object, severity: Severity.ERROR, message: `its CRD refuses it: ${c.problems.join('; ')}`, fix: 'Fix the fields named.' });
      // Unknown fields are unknown-field's to report, with the names the schema knows, while it runs.
      const parts = [...new Set(c.unmodelled)].filter((part) => !part.includes('unknown field') || context.options.disabledRules.has('unknown-field'));
      for (const part of parts) findings.push({ object: c.object, severity: Severity.WARNING, message: part, fix: part.includes('unknown field') ? 'Remove the field, or fix its name.' : 'Nothing, if intended; netkit\'s answers leave this part out.' });
      yield* findings;
    }
  },
};

/** The plugin names the options take, as people write them. */
const PLUGIN_NAMES = { calico: 'Calico', standard: 'a standard NetworkPolicy plugin' } as const;

export const ciliumPolicyWithoutCilium: LintRule = {
  id: 'cilium-policy-without-cilium',
  severity: Severity.ERROR,
  description: 'A Cilium policy (host names, HTTP rules, entities) in input declared for a cluster without Cilium (`cni` / `--cni` calico or standard): nothing enforces it, and traffic its allows were meant for is dropped by the NetworkPolicy default deny. Silent unless the plugin is declared.',
  docs: `${DOCS}intro/`,
  *check(context) {
    const cni = context.options.cni;
    if (cni === undefined || cni === 'cilium') return;
    for (const c of ciliumPolicies(context)) {
      yield {
        object: c.object,
        message: `the cluster is declared as running ${PLUGIN_NAMES[cni]}, which does not enforce ${String(c.object.kind)}: its rules do nothing there`,
        fix: 'Write these intents in NetworkPolicy (SecureNamespace without dialect, host address ranges with Peer.cidr), or declare the cluster as Cilium (cni: \'cilium\', --cni cilium) if it runs Cilium.',
      };
    }
  },
};

/** Whether an ipBlock covers every IPv4 or IPv6 address. */
const wholeFamily = (cidr: unknown) => cidr === '0.0.0.0/0' || cidr === '::/0';

export const internetEgressByAddressOnCilium: LintRule = {
  id: 'internet-egress-by-address-on-cilium',
  severity: Severity.INFO,
  description: 'On a cluster declared as Cilium (`cni` / `--cni cilium`), a NetworkPolicy egress rule to every internet address: Cilium can allow the hosts by name instead (toFQDNs; Peer.fqdn with NetworkDialect.cilium()). Silent unless the plugin is declared.',
  docs: `${DOCS}language/#dns-based`,
  *check(context) {
    if (context.options.cni !== 'cilium') return;
    for (const policy of context.ofKind('NetworkPolicy')) {
      const egress = dig(policy, 'spec', 'egress');
      if (!Array.isArray(egress)) continue;
      const index = egress.findIndex((rule) => {
        const to = dig(rule, 'to');
        return Array.isArray(to) && to.some((peer) => wholeFamily(dig(peer, 'ipBlock', 'cidr')));
      });
      if (index < 0) continue;
      yield {
        object: policy,
        message: `egress[${index}] allows every internet address${Array.isArray(dig(egress[index], 'ports')) ? ' on its ports' : ''}, where Cilium could allow the hosts the pods call by name`,
        fix: 'Put the namespace in NetworkDialect.cilium() and allow the hosts with allowEgressTo(Peer.fqdn("api.example.com"), Port.tcp(443)), or write a CiliumNetworkPolicy with toFQDNs.',
      };
    }
  },
};
