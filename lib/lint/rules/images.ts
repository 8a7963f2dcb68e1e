import { records } from '../context';
import { imageIsPinned } from '../helpers';
import { LintRule, Severity } from '../types';

export const imageNotPinned: LintRule = {
  id: 'image-not-pinned',
  severity: Severity.WARNING,
  description: 'A container image without a tag or digest, or tagged latest: what runs changes under the same manifest, and rollbacks do not roll back.',
  docs: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  *check(context) {
    for (const workload of context.workloads) {
      for (const container of [...workload.containers, ...records(workload.podSpec, 'initContainers')]) {
        const image = container.image;
        if (typeof image === 'string' && !imageIsPinned(image)) {
          yield { object: workload.object, message: `container ${String(container.name)} runs image "${image}", which is not pinned to a version`, fix: 'Pin a tag (acme/api:1.4.2) or a digest (acme/api@sha256:...).' };
        }
      }
    }
  },
};
