/**
 * One operator against one constant, for one event value (never undefined, never a list: the
 * caller handles both). Everything derivable from the constant — numbers, networks, regexes,
 * lowercased needles — is computed here, once, so the returned test is tight.
 */
import type { BinaryOperator } from '../condition/ast.js';
import type { FieldType } from '../fields/types.js';
import { globToRegExp, escapeRegExp } from './glob.js';
import { ipInNet, parseIpNet } from './ip.js';
import { typeClass } from './operator-types.js';
import { withTestShape } from './shape.js';
import {
  asBytes,
  asText,
  normNum,
  parseBoolConst,
  parseHexBytes,
  parseIntegerConst,
  parseL4ProtoConst,
  type NumConst,
} from './values.js';

export type ScalarTest = (v: unknown) => boolean;

/** Thrown for a constant that does not fit the field's type; the caller adds the position. */
export class ValueError extends Error {}

export function scalarTest(op: BinaryOperator, type: FieldType, constant: string): ScalarTest {
  switch (typeClass(type)) {
    case 'string':
      return stringTest(op, constant);
    case 'bytes':
      return bytesTest(op, constant);
    case 'bool':
      return boolTest(op, constant);
    case 'ip':
      return ipTest(op, constant);
    default:
      return numberTest(op, type, constant);
  }
}

export function compileRegex(source: string): RegExp {
  try {
    // RE2's FullMatch: the whole value must match
    return new RegExp(`^(?:${source})$`);
  } catch (e) {
    throw new ValueError(`invalid regular expression '${source}': ${(e as Error).message}`);
  }
}

function stringTest(op: BinaryOperator, c: string): ScalarTest {
  switch (op) {
    case '=':
    case '==':
    case 'in':
    case 'intersects':
      return withTestShape((v) => asText(v) === c, { kind: 'string', op: 'eq', constant: c });
    case '!=':
      return withTestShape((v) => asText(v) !== c, { kind: 'string', op: 'ne', constant: c });
    case '<':
      return (v) => asText(v) < c;
    case '<=':
      return (v) => asText(v) <= c;
    case '>':
      return (v) => asText(v) > c;
    case '>=':
      return (v) => asText(v) >= c;
    case 'contains':
      return withTestShape((v) => asText(v).includes(c), { kind: 'string', op: 'contains', constant: c });
    case 'icontains': {
      const re = new RegExp(escapeRegExp(c), 'i');
      return (v) => re.test(asText(v));
    }
    case 'startswith':
      return withTestShape((v) => asText(v).startsWith(c), { kind: 'string', op: 'startswith', constant: c });
    case 'endswith':
      return withTestShape((v) => asText(v).endsWith(c), { kind: 'string', op: 'endswith', constant: c });
    case 'glob':
    case 'iglob': {
      const re = globToRegExp(c, op === 'iglob');
      return (v) => re.test(asText(v));
    }
    case 'regex': {
      const re = compileRegex(c);
      return (v) => re.test(asText(v));
    }
    case 'pmatch':
      return pathPrefixTest([c]);
    default:
      throw new ValueError(`operator '${op}' is not valid for a string field`);
  }
}

/**
 * `pmatch`: the value is one of the paths or lies below one (`/usr/bin` matches `/usr/bin` and
 * `/usr/bin/ls`, not `/usr/binx`).
 */
export function pathPrefixTest(paths: readonly string[]): ScalarTest {
  const prefixes = paths.map((p) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p));
  return (v) => {
    const s = asText(v);
    for (const p of prefixes) {
      if (s.startsWith(p) && (s.length === p.length || p === '/' || s.charCodeAt(p.length) === 47)) return true;
    }
    return false;
  };
}

function bytesTest(op: BinaryOperator, c: string): ScalarTest {
  if (op === 'bcontains' || op === 'bstartswith') {
    const hex = parseHexBytes(c);
    if (hex === undefined) throw new ValueError(`'${c}' is not a hex byte string`);
    const needle = Buffer.from(hex);
    return op === 'bcontains' ? (v) => asBytes(v).indexOf(needle) >= 0 : (v) => startsWithBytes(asBytes(v), needle);
  }
  const needle = Buffer.from(c, 'utf8');
  switch (op) {
    case '=':
    case '==':
    case 'in':
    case 'intersects':
      return (v) => asBytes(v).equals(needle);
    case '!=':
      return (v) => !asBytes(v).equals(needle);
    case 'contains':
      return (v) => asBytes(v).indexOf(needle) >= 0;
    case 'startswith':
      return (v) => startsWithBytes(asBytes(v), needle);
    case 'endswith':
      return (v) => {
        const b = asBytes(v);
        return b.length >= needle.length && b.subarray(b.length - needle.length).equals(needle);
      };
    default:
      throw new ValueError(`operator '${op}' is not valid for a byte buffer field`);
  }
}

function startsWithBytes(b: Buffer, needle: Buffer): boolean {
  return b.length >= needle.length && b.compare(needle, 0, needle.length, 0, needle.length) === 0;
}

function boolTest(op: BinaryOperator, c: string): ScalarTest {
  const b = parseBoolConst(c);
  if (b === undefined) throw new ValueError(`'${c}' is not a boolean (true or false)`);
  const asBool = (v: unknown): boolean => v === true || v === 1 || v === 1n || v === 'true';
  if (op === '!=') return withTestShape((v) => asBool(v) !== b, { kind: 'bool', equal: false, constant: b });
  return withTestShape((v) => asBool(v) === b, { kind: 'bool', equal: true, constant: b });
}

function ipTest(op: BinaryOperator, c: string): ScalarTest {
  const net = parseIpNet(c);
  if (net === undefined) throw new ValueError(`'${c}' is not an IP address or network`);
  if (op === '!=') return (v) => !ipInNet(v, net);
  return (v) => ipInNet(v, net);
}

function numberTest(op: BinaryOperator, type: FieldType, c: string): ScalarTest {
  const n: NumConst | undefined = type === 'l4proto' ? parseL4ProtoConst(c) : parseIntegerConst(c);
  if (op === 'contains' && type === 'flags') {
    // a bit test for numeric constants; a flag name is looked for in the rendered flags
    if (n === undefined) return (v) => typeof v === 'string' && v.split('|').includes(c);
    const bits = BigInt(n);
    return (v) => {
      const x = normNum(v);
      return x !== undefined && (BigInt(x) & bits) === bits;
    };
  }
  if (n === undefined) throw new ValueError(`'${c}' is not an integer`);
  const test = numberCompare(op, n, c);
  if (op === '==' || op === 'in' || op === 'intersects')
    return withTestShape(test, { kind: 'number', op: '=', constant: n });
  if (op === '=' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=') {
    return withTestShape(test, { kind: 'number', op, constant: n });
  }
  return test;
}

function numberCompare(op: BinaryOperator, n: NumConst, c: string): ScalarTest {
  switch (op) {
    case '=':
    case '==':
    case 'in':
    case 'intersects':
      return (v) => normNum(v) === n || v === c;
    case '!=':
      return (v) => {
        const x = normNum(v);
        return x === undefined ? typeof v === 'string' && v !== c : x !== n;
      };
    case '<':
      return (v) => {
        const x = normNum(v);
        return x !== undefined && x < n;
      };
    case '<=':
      return (v) => {
        const x = normNum(v);
        return x !== undefined && x <= n;
      };
    case '>':
      return (v) => {
        const x = normNum(v);
        return x !== undefined && x > n;
      };
    case '>=':
      return (v) => {
        const x = normNum(v);
        return x !== undefined && x >= n;
      };
    default:
      throw new ValueError(`operator '${op}' is not valid for a numeric field`);
  }
}
