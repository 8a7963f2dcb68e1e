/**
 * Most constructs name their objects after their construct id unless a `name` prop is given.
 * When that id is not a valid Kubernetes name, the way out is the `name` prop (ids may be
 * anything, and changing one moves the construct in the tree), so the error says so.
 */
export function nameFixHint(explicitName: string | undefined, name: string): string {
  if (explicitName !== undefined) return '';
  const suggestion = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 63) || 'app';
  return ` The name comes from the construct id "${name}": keep the id and pass name: "${suggestion}", or choose an id that is a DNS label.`;
}
