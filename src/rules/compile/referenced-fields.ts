/**
 * The fields a condition reads (macros expanded), as written: `proc.name`, `proc.aname[2]`. The
 * engine uses it to report unknown fields and to know which state a rule set needs.
 */
import type { Expr, Operand, RightHand, ValueLit } from '../condition/ast.js';
import { fieldText } from './operand.js';
import { forEachCheck } from './walk.js';

export function referencedFields(ast: Expr, macros: ReadonlyMap<string, Expr> = new Map()): Set<string> {
  const out = new Set<string>();
  const operand = (o: Operand | RightHand | ValueLit): void => {
    if (o.kind === 'field') out.add(fieldText(o));
    else if (o.kind === 'val') out.add(fieldText(o.field));
    else if (o.kind === 'transform') for (const a of o.args) operand(a);
  };
  forEachCheck(ast, macros, (check) => {
    operand(check.left);
    if (check.kind === 'binary') operand(check.right);
  });
  return out;
}
