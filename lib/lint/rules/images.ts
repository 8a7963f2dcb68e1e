import { records } from '../context';
import { imageIsPinned } from '../helpers';
import { LintRule, Severity } from '../types';

/** One finding per workload, naming every unpinned image (a chart's choice is usually one). */
export const imageNotPinned: LintRule = {
  id: 'image-not-pinned',
  severity: Severity.WARNING,
  description: 'A container image without a tag or digest, or tagged latest: what runs changes under the same manifest, and rollbacks do not roll back.',
  docs: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  *check(context) {
    for (const workload of context.workloads) {
      const unpinned = [...workload.containers, ...records(workload.podSpec, 'initContainers')]
        .filter((c) => typeof c.image === 'string' && !imageIsPinned(c.image))
        .map((c) => `${String(c.name)} ("${String(c.image)}")`);
      if (unpinned.length > 0) {
        yield { object: workload.object, message: `${unpinned.length > 1 ? 'containers' : 'container'} ${unpinned.join(', ')} ${unpinned.length > 1 ? 'run images that are' : 'runs an image that is'} not pinned to a version`, fix: 'Pin a tag (acme/api:1.4.2) or a digest (acme/api@sha256:...).' };
      }
    }
  },
};
