import { IConstruct } from 'constructs';

/**
 * An error in user input. Its message always names where the bad value came from
 * (a construct path or a value-type factory), the value, and how to fix it.
 */
export class NetkitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetkitError';
  }
}

/** Throws a {@link NetkitError} prefixed with the construct's path, e.g. `shop/api: ...`. */
export function failAt(scope: IConstruct, message: string): never {
  throw new NetkitError(`${scope.node.path}: ${message}`);
}

/** Throws a {@link NetkitError} for a value type factory, e.g. `Port.tcp(0): ...`. */
export function failValue(where: string, message: string): never {
  throw new NetkitError(`${where}: ${message}`);
}
