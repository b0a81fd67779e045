/**
 * Set membership for `in` and `intersects`: the constants go into a Set once (or a list of
 * networks for addresses), so a lookup per event is O(1) whatever the list's length.
 */
import type { FieldType } from '../fields/types.js';
import { ipInNet, parseIpNet, type IpNet } from './ip.js';
import { typeClass } from './operator-types.js';
import { withTestShape } from './shape.js';
import { ValueError, type ScalarTest } from './scalar-test.js';
import { asText, normNum, parseBoolConst, parseIntegerConst, parseL4ProtoConst, type NumConst } from './values.js';

export function membershipTest(type: FieldType, values: readonly string[]): ScalarTest {
  switch (typeClass(type)) {
    case 'string':
    case 'bytes':
      return stringSetTest(values);
    case 'bool': {
      const set = new Set<boolean>();
      for (const s of values) {
        const b = parseBoolConst(s);
        if (b === undefined) throw new ValueError(`'${s}' is not a boolean (true or false)`);
        set.add(b);
      }
      return (v) => set.has(v === true || v === 1 || v === 1n || v === 'true');
    }
    case 'ip': {
      const nets: IpNet[] = values.map((s) => {
        const n = parseIpNet(s);
        if (n === undefined) throw new ValueError(`'${s}' is not an IP address or network`);
        return n;
      });
      return (v) => {
        for (const n of nets) if (ipInNet(v, n)) return true;
        return false;
      };
    }
    default: {
      const set = new Set<NumConst>();
      const names = new Set<string>();
      for (const s of values) {
        const n = type === 'l4proto' ? parseL4ProtoConst(s) : parseIntegerConst(s);
        if (n === undefined) throw new ValueError(`'${s}' is not an integer`);
        set.add(n);
        names.add(s);
      }
      return (v) => {
        const x = normNum(v);
        return x !== undefined ? set.has(x) : typeof v === 'string' && names.has(v);
      };
    }
  }
}

/**
 * A Set lookup hashes the whole value, and the values tested are mostly fresh strings (an open's
 * path, a directory cut from it) whose hash is not cached yet. Most cannot match on length
 * alone (a path under node_modules against /etc/shadow), so the lengths the list holds are
 * checked first, which costs nothing.
 */
function stringSetTest(values: readonly string[]): ScalarTest {
  const set = new Set(values);
  let longest = 0;
  for (const s of set) longest = Math.max(longest, s.length);
  const lengths = new Uint8Array(longest + 1);
  for (const s of set) lengths[s.length] = 1;
  return withTestShape(
    (v) => {
      const s = asText(v);
      return s.length <= longest && lengths[s.length] === 1 && set.has(s);
    },
    { kind: 'string-set', set, lengths, longest },
  );
}
