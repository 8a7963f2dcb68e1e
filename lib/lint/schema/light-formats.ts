import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** @internal What `@kubernetes-models/validate` exports: the formats compiled validators call, and the model classes' runner. */
export interface ValidatePackage {
  readonly formats: Record<string, unknown>;
  readonly runValidateFunc: unknown;
}

/**
 * Compiled validators call a function format as `format.validate(value)` and a pattern format
 * as `format.validate.test(value)`; a FormatCheck answers both.
 */
type FormatCheck = ((value: unknown) => boolean) & { readonly test: (value: unknown) => boolean };

function format(type: string, check: (value: unknown) => boolean): { readonly type: string; readonly validate: FormatCheck } {
  return { type, validate: Object.assign(check, { test: check }) };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/**
 * A resource quantity (apimachinery's resource.Quantity): a signed decimal, then a binary
 * suffix (Ki..Ei), a decimal SI suffix (n, u, m, k, M, ..., or da) or an exponent.
 */
const SIGNED_DECIMAL = '[+-]?(?:\\d+|\\d+\\.\\d+|\\d+\\.|\\.\\d+)';
const QUANTITY = new RegExp(`^${SIGNED_DECIMAL}(?:[KMGTPE]i|[YZEPTGMkhdcmunpfazy]|da|[eE]${SIGNED_DECIMAL})?$`);

/**
 * The compiled schema validators load `@kubernetes-models/validate` for a handful of string
 * and number formats; its index loads ajv-formats (with a URI parser, an SMTP grammar, CIDR
 * libraries) and every ajv-i18n locale. The formats every manifest meets are checked here, by
 * the rules their definitions state: an int32 is an integer in the signed 32-bit range, an int64
 * any integer, a double any number (ajv-formats); a byte string is base64 and a quantity reads as
 * apimachinery parses it (kubernetes-models). Any other format, and the model classes' runner,
 * come from the real package on first use, so nothing validates differently;
 * `test/lint/schema-validate.test.ts` compares both on the same values.
 */
export const LIGHT_FORMATS: Record<string, { readonly type: string; readonly validate: FormatCheck }> = {
  int32: format('number', (value) => Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) <= 2 ** 31 - 1),
  int64: format('number', (value) => Number.isInteger(value)),
  double: format('number', () => true),
  byte: format('string', (value) => BASE64.test(String(value))),
  quantity: format('string', (value) => QUANTITY.test(String(value))),
};

/** A format that loads the real one when first used (compiled validators check the value's type themselves). */
function deferredFormat(real: () => Record<string, { validate: unknown }>, name: string): { readonly type: string; readonly validate: FormatCheck } {
  return format('any', (value) => {
    const validate = real()[name]?.validate;
    if (validate instanceof RegExp) return validate.test(String(value));
    return typeof validate === 'function' ? Boolean((validate as (v: unknown) => unknown)(value)) : true;
  });
}

/**
 * `@kubernetes-models/validate`'s exports with the light formats above; any other format and
 * the model classes' runner come from the real package (`index`: the path of its entry, asked
 * for only on first use).
 */
export function lightValidateExports(index: () => string): ValidatePackage {
  const requireReal = (file: string): unknown => createRequire(index())(join(dirname(index()), file));
  let realFormats: Record<string, { validate: unknown }> | undefined;
  const real = () => (realFormats ??= (requireReal('formats.js') as { formats: Record<string, { validate: unknown }> }).formats);
  const formats: Record<string, unknown> = new Proxy({ ...LIGHT_FORMATS }, {
    get: (light, name) => {
      if (typeof name !== 'string') return undefined;
      if (!Object.prototype.hasOwnProperty.call(light, name)) light[name] = deferredFormat(real, name);
      return light[name];
    },
  });
  return {
    formats,
    get runValidateFunc() { return (requireReal('validate.js') as ValidatePackage).runValidateFunc; },
  };
}

/**
 * Makes `@kubernetes-models/validate`, as seen from the package holding `modulePath`, the light
 * version above, unless something in the process has loaded the real one already.
 */
export function lightValidatePackage(modulePath: string): void {
  const index = createRequire(modulePath).resolve('@kubernetes-models/validate');
  const cache = createRequire(modulePath).cache;
  if (cache[index]) return;
  const Module = createRequire(index)('node:module') as { new (id: string): NodeJS.Module };
  const module = new Module(index);
  Object.assign(module, { filename: index, loaded: true, exports: lightValidateExports(() => index), paths: [] });
  cache[index] = module;
}
