import { addressedServices, serviceAddressBlocks } from '../../analysis/input/services';
import { LintRule, Severity } from '../types';

export const ipBlockHoldsServiceAddress: LintRule = {
  id: 'ipblock-holds-service-address',
  severity: Severity.WARNING,
  description: "A NetworkPolicy ipBlock that holds a Service's cluster IP, external IP or load-balancer IP (where the input gives them, as kubectl get -o yaml does): kube-proxy translates the address to a pod before policy applies, so the rule does not allow traffic to the Service's pods, though it reads as if it did. Addresses a NodeLocal DNSCache in the input binds are delivered on the node, and never reported.",
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors',
  *check(context) {
    const services = addressedServices(context.ofKind('Service'));
    if (services.length === 0) return;
    for (const held of serviceAddressBlocks(context.policies, services, context.workloads)) {
      yield {
        object: held.policy.source!.object,
        message: `${held.direction}[${held.rule}]: ${held.problem}`,
        fix: "Select the Service's pods with podSelector (and namespaceSelector for another namespace) instead of its address; an ipBlock is for addresses outside the cluster.",
      };
    }
  },
};
