/**
 * Set membership for `in` and `intersects`: the constants go into a Set once (or a list of
 * networks for addresses), so a lookup per event is O(1) whatever the list's length.
 */
import type { FieldType } from '../fields/types.js';
import { ipInNet, parseIpNet, type IpNet } from './ip.js';
import { typeClass } from './operator-types.js';
import { ValueError, type ScalarTest } from './scalar-test.js';
import { asText, normNum, parseBoolConst, parseIntegerConst, parseL4ProtoConst, type NumConst } from './values.js';

export function membershipTest(type: FieldType, values: readonly string[]): ScalarTest {
  switch (typeClass(type)) {
    case 'string':
    case 'bytes': {
      const set = new Set(values);
      return (v) => set.has(asText(v));
    }
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
