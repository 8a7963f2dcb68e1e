import { App } from 'cdk8s';
import { IConstruct } from 'constructs';

/** A namespace given by name (not as a SecureNamespace) to a construct. */
export interface NamespaceUse {
  /** The construct's path. */
  readonly path: string;
  readonly name: string;
}

const USES = new WeakMap<App, NamespaceUse[]>();

/**
 * Records that the construct at `scope` was placed in namespace `name` by name, so that
 * synth can check the name against the namespaces the app declares (a typo otherwise goes
 * unnoticed until the API server refuses objects in a namespace that does not exist).
 */
export function recordNamespaceUse(scope: IConstruct, name: string): void {
  const app = App.of(scope);
  const uses = USES.get(app) ?? [];
  uses.push({ path: scope.node.path, name });
  USES.set(app, uses);
}

/** Every namespace an app's constructs were given by name. */
export function namespaceUses(app: App): readonly NamespaceUse[] {
  return USES.get(app) ?? [];
}
