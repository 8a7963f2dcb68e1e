import { ApiObject, App, Chart, Duration, IResolver, Lazy, ResolutionContext } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, test } from 'vitest';
import { sanitizeValue, useFastResolve } from '../../lib/private/fast-resolve';
import { enableSynthScope } from '../../lib/private/synth-scope';

// cdk8s's own functions, as the synth scope finds them.
const resolveModule = require('cdk8s/lib/resolve') as { resolve: (key: string[], value: unknown, o: ApiObject) => unknown };
const utilModule = require('cdk8s/lib/_util') as { sanitizeValue: (value: unknown, options?: object) => unknown };

/** An IntOrString-like union class, as the generated L1 classes have. */
class Union {
  public constructor(public readonly value: string | number) {}
}

/** A token whose resolve() reads its own fields, as cdk8s-plus's are. */
class Token {
  public constructor(private readonly inner: unknown) {}
  public resolve(): unknown {
    return this.inner;
  }
}

/** Values with every case cdk8s's resolvers handle, and some they pass through. */
function tricky(): Record<string, unknown> {
  const sparse: unknown[] = ['a'];
  sparse[3] = 'd';
  return {
    zeta: 1,
    alpha: Lazy.any({ produce: () => ({ nested: Lazy.any({ produce: () => [new Union(8080), new Union('http')] }) }) }),
    token: { resolve: () => ({ b: 2, a: undefined, c: null }) },
    boundToken: new Token([new Token('inner'), Lazy.any({ produce: () => new Token(3) })]),
    union: new Union('25%'),
    emptyArray: [],
    emptyObject: {},
    deep: { y: [{ q: undefined, p: 'x' }, null, 3], x: { '10': 'ten', '9': 'nine', 'B': 1, 'a': 2, 'ä': 3 } },
    lazyUndefined: Lazy.any({ produce: () => undefined }),
    sparse,
    ['__proto__']: { sneaky: true },
    many: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7919) % 40}`, i])),
  };
}

function objectIn(app: App): ApiObject {
  return new ApiObject(new Chart(app, 'chart'), 'object', { apiVersion: 'v1', kind: 'ConfigMap' });
}

/** What a function returns, or the message it throws. */
function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('the synth scope\'s resolve and sanitize', () => {
  test('give what cdk8s gives, for every option', () => {
    const object = objectIn(new App());
    const plain = resolveModule.resolve([], tricky(), object);
    const restore = useFastResolve();
    let fast: unknown;
    try {
      expect(resolveModule.resolve).not.toBe(plain);
      fast = resolveModule.resolve([], tricky(), object);
    } finally {
      restore();
    }
    expect(fast).toEqual(plain);
    expect(Object.keys(fast as object)).toEqual(Object.keys(plain as object));
    for (const options of [undefined, {}, { sortKeys: false }, { filterEmptyArrays: true, filterEmptyObjects: true }]) {
      const theirs = outcome(() => utilModule.sanitizeValue(plain, options));
      const ours = outcome(() => sanitizeValue(plain, options));
      expect(ours).toHaveProperty('value');
      expect(ours).toEqual(theirs);
      expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
    }
  });

  test('throw what cdk8s throws for a value it cannot render', () => {
    const object = objectIn(new App());
    const nullPrototype = Object.create(null) as Record<string, unknown>;
    nullPrototype.kept = 'yes';
    for (const value of [{ when: new Date(0) }, { odd: new (class Odd {})() }, { duration: Duration.seconds(5) }, { nullPrototype }]) {
      const resolved = resolveModule.resolve([], value, object);
      expect(outcome(() => sanitizeValue(resolved))).toEqual(outcome(() => utilModule.sanitizeValue(resolved)));
      expect(outcome(() => sanitizeValue(resolved))).toHaveProperty('error');
    }
  });

  test('leave an app with its own resolvers to cdk8s, which tells them each key', () => {
    const keys: string[] = [];
    const custom: IResolver = { resolve: (context: ResolutionContext) => { keys.push(context.key.join('.')); } };
    const object = objectIn(new App({ resolvers: [custom] }));
    const restore = useFastResolve();
    try {
      resolveModule.resolve([], { a: { b: 1 } }, object);
    } finally {
      restore();
    }
    expect(keys).toEqual(['', 'a', 'a.b']);
  });

  test('are undone after synth, and a cdk8s-plus app synthesizes to the same YAML', () => {
    const original = resolveModule.resolve;
    const build = () => {
      const app = new App();
      const chart = new Chart(app, 'web');
      const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'acme/api:1.0.0', portNumber: 8080 }] });
      deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
      return app;
    };
    const plain = build().synthYaml();
    const app = build();
    // The scope is what NetkitLint installs; here without lint, as a user's app without netkit constructs.
    enableSynthScope(app);
    expect(app.synthYaml()).toBe(plain);
    expect(resolveModule.resolve).toBe(original);
    // Also when synth fails.
    const failing = build();
    failing.node.addValidation({ validate: () => ['no'] });
    enableSynthScope(failing);
    expect(() => failing.synthYaml()).toThrow('no');
    expect(resolveModule.resolve).toBe(original);
    expect(utilModule.sanitizeValue).not.toBe(sanitizeValue);
  });
});

describe('a cdk8s whose functions changed', () => {
  test('keeps its own resolve and sanitizeValue', () => {
    const original = utilModule.sanitizeValue;
    // As if a later cdk8s stopped sorting keys by default.
    const changed = (value: unknown, options: object = {}) => original(value, { sortKeys: false, ...options });
    utilModule.sanitizeValue = changed;
    try {
      const restore = useFastResolve();
      expect(utilModule.sanitizeValue).toBe(changed);
      restore();
      expect(utilModule.sanitizeValue).toBe(changed);
    } finally {
      utilModule.sanitizeValue = original;
    }
    const restore = useFastResolve();
    expect(utilModule.sanitizeValue).toBe(sanitizeValue);
    restore();
    expect(utilModule.sanitizeValue).toBe(original);
  });
});
