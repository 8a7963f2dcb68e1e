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

/** Pod settings for Pod Security `restricted`. */
export function restrictedPodSecurity(runAsUser: number | undefined): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    ...(runAsUser !== undefined ? { user: runAsUser } : {}),
  };
}
