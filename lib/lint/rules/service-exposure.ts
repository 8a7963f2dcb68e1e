import { dig, records } from '../context';
import { parseIp } from '../../net/ip';
import { LintRule, Severity } from '../types';

export const nodePortExposure: LintRule = {
  id: 'nodeport-exposure',
  severity: Severity.WARNING,
  description: 'A NodePort Service opens a port on every node.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
  *check(context) {
    for (const service of context.ofKind('Service')) {
      if (dig(service, 'spec', 'type') === 'NodePort') {
        yield { object: service, message: 'type NodePort opens its ports on every node of the cluster', fix: 'Prefer ClusterIP behind an Ingress or Gateway; if a node port is needed, suppress this with a reason.' };
      }
    }
  },
};

export const nodePortOutOfRange: LintRule = {
  id: 'nodeport-out-of-range',
  severity: Severity.ERROR,
  description: 'A nodePort outside the cluster\'s node-port range (default 30000-32767).',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
  *check(context) {
    const { min, max } = context.options.nodePortRange;
    for (const service of context.ofKind('Service')) {
      for (const port of records(service, 'spec', 'ports')) {
        // nodePort 0 (or absent) means "not set": the API server allocates one.
        if (typeof port.nodePort === 'number' && port.nodePort !== 0 && (port.nodePort < min || port.nodePort > max)) {
          yield { object: service, message: `nodePort ${port.nodePort} is outside ${min}-${max}; the API server rejects it`, fix: 'Omit nodePort to let Kubernetes choose one, or pick a port in range.' };
        }
      }
    }
  },
};

export const loadBalancerWithoutSourceRanges: LintRule = {
  id: 'loadbalancer-without-source-ranges',
  severity: Severity.WARNING,
  description: 'A LoadBalancer Service open to every address (with everyLoadBalancerIsExposure, the strict profile: every LoadBalancer).',
  docs: 'https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#restricting-access',
  *check(context) {
    for (const service of context.ofKind('Service')) {
      if (dig(service, 'spec', 'type') !== 'LoadBalancer') continue;
      const ranges = dig(service, 'spec', 'loadBalancerSourceRanges');
      const annotation = dig(service, 'metadata', 'annotations', 'service.beta.kubernetes.io/load-balancer-source-ranges');
      if ((!Array.isArray(ranges) || ranges.length === 0) && typeof annotation !== 'string') {
        yield { object: service, message: 'it has no loadBalancerSourceRanges, so the load balancer accepts every address', fix: 'Set spec.loadBalancerSourceRanges, or suppress this with a reason if the endpoint is public by design.' };
      } else if (context.options.everyLoadBalancerIsExposure) {
        yield { object: service, message: 'it is a LoadBalancer, which the strict profile counts as exposure whatever its source ranges', fix: 'Put it behind an Ingress or Gateway, or suppress this with a reason.' };
      }
    }
  },
};

export const externalNameIsIp: LintRule = {
  id: 'externalname-is-ip',
  severity: Severity.ERROR,
  description: 'An ExternalName Service whose externalName is an IP address (a CNAME to an IP never resolves).',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#externalname',
  *check(context) {
    for (const service of context.ofKind('Service')) {
      const name = dig(service, 'spec', 'externalName');
      if (dig(service, 'spec', 'type') === 'ExternalName' && typeof name === 'string' && parseIp(name)) {
        yield { object: service, message: `externalName ${name} is an IP address; ExternalName is a CNAME, so clients get a name that never resolves`, fix: 'Use a selector-less Service with an EndpointSlice for IP addresses (ExternalService.fromAddresses).' };
      }
    }
  },
};

export const externalTrafficPolicyOnClusterIp: LintRule = {
  id: 'external-traffic-policy-on-cluster-ip',
  severity: Severity.ERROR,
  description: 'externalTrafficPolicy on a Service that is neither NodePort nor LoadBalancer.',
  docs: 'https://kubernetes.io/docs/reference/networking/virtual-ips/#external-traffic-policy',
  *check(context) {
    for (const service of context.ofKind('Service')) {
      const type = dig(service, 'spec', 'type') ?? 'ClusterIP';
      if (dig(service, 'spec', 'externalTrafficPolicy') !== undefined && type !== 'NodePort' && type !== 'LoadBalancer') {
        yield { object: service, message: `externalTrafficPolicy is set on a ${String(type)} Service; the API server rejects it`, fix: 'Remove externalTrafficPolicy, or make the Service NodePort or LoadBalancer.' };
      }
    }
  },
};

export const sessionAffinityTimeout: LintRule = {
  id: 'session-affinity-timeout',
  severity: Severity.ERROR,
  description: 'A ClientIP session affinity timeout outside 1-86400 seconds.',
  docs: 'https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity',
  *check(context) {
    for (const service of context.ofKind('Service')) {
      const timeout = dig(service, 'spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds');
      if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > 86400)) {
        yield { object: service, message: `session affinity timeout ${String(timeout)} is outside 1-86400 seconds`, fix: 'Pick a timeout from 1 to 86400 (the default is 10800).' };
      }
    }
  },
};

export const topologyAwareHintsDeprecated: LintRule = {
  id: 'topology-aware-hints-deprecated',
  severity: Severity.WARNING,
  description: 'The deprecated service.kubernetes.io/topology-aware-hints annotation.',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/',
  *check(context) {
    for (const service of context.ofKind('Service')) {
      const value = dig(service, 'metadata', 'annotations', 'service.kubernetes.io/topology-aware-hints');
      if (value !== undefined) {
        yield { object: service, message: 'it uses the deprecated service.kubernetes.io/topology-aware-hints annotation', fix: 'Use service.kubernetes.io/topology-mode: Auto (Kubernetes 1.27+).' };
      }
    }
  },
};
