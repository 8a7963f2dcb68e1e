import { duplicateObject } from './duplicate-object';
import { egressWithoutDns } from './egress-without-dns';
import { ingressBackendMissing } from './ingress-backend-missing';
import { ingressClassAnnotation, ingressClassMissing } from './ingress-class';
import { ingressDuplicatePath } from './ingress-duplicate-path';
import { ingressInvalidRoute } from './ingress-invalid-route';
import { ingressHostWithoutTls, ingressTlsHostUnused, ingressWithoutTls } from './ingress-tls';
import { namespaceWithoutDefaultDeny, workloadNotEgressIsolated, workloadNotIsolated } from './isolation';
import { dropNetRawCapability } from './capabilities';
import { podSecurityViolation } from './pod-security';
import { clusterScopedWithNamespace } from './object-scope';
import { imageNotPinned } from './images';
import { corefileDuplicateZone, corefileForwardWithoutLoop, corefileMissingProbes, corefileNoCache, corefileNoKubernetes, corefilePodsInsecure, corefileSyntax, corefileUnknownPlugin } from './corefile';
import { baselinePass, clusterPolicyPriorityTie, clusterPolicyRejected, clusterPolicyRuleUnreachable, clusterPolicySubjectSelectsNothing } from './cluster-policies';
import { monitorSelectsNothing } from './monitor-selects-nothing';
import { ipBlockHostBits, policyRejectedByApiServer } from './network-policy-fields';
import { ipBlockHoldsServiceAddress } from './ipblock-service-address';
import { unsafeNetworkSysctl } from './network-sysctls';
import { invalidDnsConfig } from './pod-dns-config';
import { policyPeerMatchesNothing } from './policy-peer-matches-nothing';
import { policySelectsNothing } from './policy-selects-nothing';
import { removedApiVersion } from './removed-api-version';
import { schemaInvalid, unknownField } from './schema';
import { selectorTemplateMismatch } from './selector-template-mismatch';
import {
  externalNameIsIp, externalTrafficPolicyOnClusterIp, loadBalancerWithoutSourceRanges, nodePortExposure, nodePortOutOfRange,
  sessionAffinityTimeout, topologyAwareHintsDeprecated,
} from './service-exposure';
import { duplicateServicePort, invalidPortName, sensitivePortExposed } from './service-ports';
import { serviceSelectorNoMatch } from './service-selector-no-match';
import { serviceTargetPortNumberUndeclared, serviceTargetPortUndeclared } from './service-target-port';
import { statefulSetService } from './statefulset-service';
import { hostNetwork, hostPort, identicalProbes, probePortUndeclared, readinessProbeMissing } from './workload-network';
import { legacyNetworkingAnnotation } from './legacy-annotations';
import { calicoOrderTie, calicoPassInLastTier, calicoPolicyRejected, calicoRuleUnreachable, calicoSelectorSyntax, calicoStagedWouldDeny, calicoTierMissing } from './calico';
import { ciliumDenyShadowsAllows, ciliumFqdnWithoutDnsRule, ciliumPolicyNotRead, ciliumPolicySelectsNothing, ciliumPolicyWithoutCilium, ciliumWorldEgressRestricted, internetEgressByAddressOnCilium } from './cilium';
import { LintRule } from '../types';

/** Every built-in rule, ordered by id. */
export const ALL_RULES: readonly LintRule[] = [
  duplicateObject, duplicateServicePort, egressWithoutDns, externalNameIsIp, externalTrafficPolicyOnClusterIp, hostNetwork,
  hostPort, identicalProbes, ingressBackendMissing, ingressClassAnnotation, ingressClassMissing,
  ingressDuplicatePath, ingressHostWithoutTls, ingressInvalidRoute, ingressTlsHostUnused, ingressWithoutTls, invalidDnsConfig,
  ipBlockHostBits, ipBlockHoldsServiceAddress, policyRejectedByApiServer, invalidPortName, loadBalancerWithoutSourceRanges, namespaceWithoutDefaultDeny,
  nodePortExposure, nodePortOutOfRange, policyPeerMatchesNothing, policySelectsNothing, probePortUndeclared,
  readinessProbeMissing, removedApiVersion, selectorTemplateMismatch, sensitivePortExposed, serviceSelectorNoMatch,
  serviceTargetPortNumberUndeclared, serviceTargetPortUndeclared, sessionAffinityTimeout, statefulSetService,
  topologyAwareHintsDeprecated, workloadNotIsolated, workloadNotEgressIsolated, dropNetRawCapability, monitorSelectsNothing, podSecurityViolation, clusterScopedWithNamespace, imageNotPinned, baselinePass, clusterPolicyPriorityTie, clusterPolicyRejected, clusterPolicyRuleUnreachable, clusterPolicySubjectSelectsNothing, corefileDuplicateZone, corefileForwardWithoutLoop, corefileMissingProbes, corefileNoCache, corefileNoKubernetes, corefilePodsInsecure, corefileSyntax, corefileUnknownPlugin, unknownField, schemaInvalid, unsafeNetworkSysctl, legacyNetworkingAnnotation, ciliumDenyShadowsAllows, ciliumFqdnWithoutDnsRule, ciliumPolicyNotRead, ciliumPolicySelectsNothing, ciliumWorldEgressRestricted, ciliumPolicyWithoutCilium, internetEgressByAddressOnCilium,
  calicoSelectorSyntax, calicoPolicyRejected, calicoOrderTie, calicoRuleUnreachable, calicoTierMissing, calicoPassInLastTier, calicoStagedWouldDeny,
].sort((a, b) => (a.id < b.id ? -1 : 1));
