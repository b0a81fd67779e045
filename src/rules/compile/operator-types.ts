/**
 * Which operators each field type accepts, as libsinsp's compiler decides (its unit tests'
 * type × operator matrix): strings take every text operator but not the byte ones, byte buffers
 * take the byte operators and plain contains/startswith/endswith, numbers take ordering, and
 * booleans and addresses take only equality and set membership.
 */
import type { FieldType } from '../fields/types.js';
import type { BinaryOperator } from '../condition/ast.js';

const EVERY_TYPE: ReadonlySet<BinaryOperator> = new Set(['=', '==', '!=', 'in', 'intersects']);
const ORDER: readonly BinaryOperator[] = ['<', '<=', '>', '>='];

const STRING_OPS = new Set<BinaryOperator>([
  ...EVERY_TYPE,
  ...ORDER,
  'contains',
  'icontains',
  'startswith',
  'endswith',
  'glob',
  'iglob',
  'pmatch',
  'regex',
]);
const BYTES_OPS = new Set<BinaryOperator>([
  ...EVERY_TYPE,
  'contains',
  'startswith',
  'endswith',
  'bcontains',
  'bstartswith',
]);
const NUMBER_OPS = new Set<BinaryOperator>([...EVERY_TYPE, ...ORDER]);
/** Flags also take `contains` (a bit test, or a name in their rendered form). */
const FLAGS_OPS = new Set<BinaryOperator>([...NUMBER_OPS, 'contains']);

/** How values of a type are compared. */
export type TypeClass = 'string' | 'bytes' | 'number' | 'bool' | 'ip';

export function typeClass(t: FieldType): TypeClass {
  switch (t) {
    case 'string':
      return 'string';
    case 'bytes':
      return 'bytes';
    case 'bool':
      return 'bool';
    case 'ipaddr':
    case 'ipnet':
      return 'ip';
    default:
      return 'number';
  }
}

export function operatorAllowed(t: FieldType, op: BinaryOperator): boolean {
  switch (typeClass(t)) {
    case 'string':
      return STRING_OPS.has(op);
    case 'bytes':
      return BYTES_OPS.has(op);
    case 'number':
      return t === 'flags' ? FLAGS_OPS.has(op) : NUMBER_OPS.has(op);
    default:
      return EVERY_TYPE.has(op);
  }
}
