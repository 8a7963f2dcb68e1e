import * as kplus from 'cdk8s-plus-28';

/**
 * Container settings that pass Pod Security `restricted`: non-root, no privilege
 * escalation, every capability dropped, RuntimeDefault seccomp, read-only root filesystem.
 */
export function restrictedContainerSecurity(runAsUser: number | undefined): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    ...(runAsUser !== undefined ? { user: runAsUser } : {}),
  };
}

/**
 * Pod settings for Pod Security `restricted`. With `fsGroup`, mounted volumes are made group-
 * writable for that group, which the kubelet adds to every container's groups (so a non-root
 * user can write a new, root-owned volume); ownership is changed only when the volume's root
 * does not match already (OnRootMismatch), not on every start (Always walks the whole volume,
 * which on a large database volume delays every restart by minutes).
 */
export function restrictedPodSecurity(runAsUser: number | undefined, fsGroup?: number): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    ...(runAsUser !== undefined ? { user: runAsUser } : {}),
    ...(fsGroup !== undefined ? { fsGroup, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH } : {}),
  };
}
