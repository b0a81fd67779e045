/** Visiting a condition with its macros expanded (an unknown or recursive macro is skipped). */
import type { BinaryCheck, Expr, UnaryCheck } from '../condition/ast.js';

export function forEachCheck(
  e: Expr,
  macros: ReadonlyMap<string, Expr>,
  visit: (check: UnaryCheck | BinaryCheck) => void,
  chain: string[] = [],
): void {
  switch (e.kind) {
    case 'and':
    case 'or':
      for (const c of e.children) forEachCheck(c, macros, visit, chain);
      return;
    case 'not':
      forEachCheck(e.child, macros, visit, chain);
      return;
    case 'macro': {
      const body = macros.get(e.name);
      if (body === undefined || chain.includes(e.name)) return;
      chain.push(e.name);
      forEachCheck(body, macros, visit, chain);
      chain.pop();
      return;
    }
    default:
      visit(e);
  }
}
