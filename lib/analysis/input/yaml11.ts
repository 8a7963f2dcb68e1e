/**
 * Plain scalars as kubectl reads them. kubectl (sigs.k8s.io/yaml, a fork of go-yaml v2)
 * resolves YAML 1.1 forms that a YAML 1.2 reader does not: `port: 010` is 8 (octal),
 * `0b101` is 5, `1_000` is 1000, and `yes`/`no`/`on`/`off`/`y`/`n` are booleans. Reading
 * them any other way would analyze an object the cluster never receives.
 */
import { Type } from 'js-yaml';

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** go-yaml v2's booleans. */
export const yaml11Bool = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string) => TRUE.has(data) || FALSE.has(data),
  construct: (data: string) => TRUE.has(data),
});

/**
 * Go's strconv.ParseInt(text, 0, 64) after go-yaml v2 strips every `_`: an optional sign,
 * then `0x`/`0o`/`0b` prefixes, a leading `0` for octal, or decimal. Returns undefined when
 * it is not such an integer (go-yaml then tries a float, and "08" reads as 8 that way).
 */
export function parseYaml11Int(data: string): number | undefined {
  // Most plain scalars are words: only a digit, sign or `_` can start an integer.
  const first = data.charCodeAt(0);
  if (!((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 95)) return undefined;
  const plain = data.replace(/_/g, '');
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(plain);
  if (!match || data.startsWith('_')) return undefined;
  const sign = match[1] === '-' ? -1 : 1;
  const digits = match[2];
  let value: number;
  if (/^0[xX]/.test(digits)) value = parseInt(digits.slice(2), 16);
  else if (/^0[oO]/.test(digits)) value = parseInt(digits.slice(2), 8);
  else if (/^0[bB]/.test(digits)) value = parseInt(digits.slice(2), 2);
  else if (digits.length > 1 && digits.startsWith('0')) value = parseInt(digits.slice(1), 8);
  else value = parseInt(digits, 10);
  return sign * value;
}

/**
 * A js-yaml scalar type from a parser that returns undefined for "not mine". js-yaml asks
 * resolve, then construct, for the same scalar: the last answer is kept so it is parsed once.
 */
function numberType(tag: string, parse: (data: string) => number | undefined): Type {
  let last: { data: string; value: number | undefined } = { data: '', value: undefined };
  const cached = (data: string): number | undefined => {
    if (last.data !== data) last = { data, value: parse(data) };
    return last.value;
  };
  return new Type(tag, { kind: 'scalar', resolve: (data: string) => cached(data) !== undefined, construct: (data: string) => cached(data)! });
}

/** go-yaml v2's integers (see {@link parseYaml11Int}); "08" and "09" fall through to floats. */
export const yaml11Int = numberType('tag:yaml.org,2002:int', parseYaml11Int);

const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': Number.NaN, '.NaN': Number.NaN, '.NAN': Number.NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity, '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};
/** go-yaml v2's yamlStyleFloat, matched after every `_` is dropped. */
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * go-yaml v2's floats, for what is not an integer: `.inf`/`.nan` in their spellings; a scalar
 * starting with `.` as Go's ParseFloat reads it (`.5`); otherwise, with every `_` dropped, a
 * decimal with an optional fraction and exponent (`08` is 8, `1_000.5` is 1000.5, `5.` is 5).
 */
export function parseYaml11Float(data: string): number | undefined {
  if (Object.prototype.hasOwnProperty.call(SPECIAL_FLOATS, data)) return SPECIAL_FLOATS[data];
  const first = data.charCodeAt(0);
  if (first === 46) return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(data) ? Number(data) : undefined;
  // Only a digit or sign can start one (char codes up to '9'); words are rejected before any pattern runs.
  if (!(first <= 57)) return undefined;
  const plain = data.replace(/_/g, '');
  return FLOAT.test(plain) ? Number(plain) : undefined;
}

/** go-yaml v2's floats (see {@link parseYaml11Float}); js-yaml's own float knows no `_`. */
export const yaml11Float = numberType('tag:yaml.org,2002:float', parseYaml11Float);
