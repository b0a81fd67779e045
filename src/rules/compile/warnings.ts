/**
 * libsinsp's compile-time warnings, for conditions that work but likely not as meant: a value
 * spelled like a field (a missing `val()`), and a `regex` that a plain string operator could do.
 */
import type { BinaryCheck, ValueLit } from '../condition/ast.js';
import { ALL_TRANSFORMERS, FIELD_NAME } from '../condition/tokens.js';
import type { CompileContext } from './context.js';

const FIELD_EXACT = new RegExp(`^${FIELD_NAME.source}$`);
const TRANSFORMED = new RegExp(`^(${ALL_TRANSFORMERS.join('|')})\\(\\s*(.*?)\\s*\\)$`);

export function checkValueWarnings(check: BinaryCheck, value: ValueLit, cx: CompileContext): void {
  const v = value.value;
  if (looksLikeField(v, cx)) {
    cx.warn(`'${v}' is compared as a string but is a field name; use val(${v}) to compare with the field`, value.pos);
    return;
  }
  const m = TRANSFORMED.exec(v);
  if (m !== null && looksLikeField(m[2] ?? '', cx)) {
    cx.warn(`'${v}' is compared as a string but looks like a transformed field; remove the quotes`, value.pos);
    return;
  }
  if (check.op === 'regex') {
    const simpler = simplerThanRegex(v);
    if (simpler !== undefined) cx.warn(`regex '${v}' could be the faster '${simpler}' operator`, value.pos);
  }
}

function looksLikeField(v: string, cx: CompileContext): boolean {
  const bracket = v.indexOf('[');
  const name = bracket > 0 && v.endsWith(']') ? v.slice(0, bracket) : v;
  return FIELD_EXACT.test(name) && cx.registry.lookup(name) !== undefined;
}

const META = /[\\^$.|?*+()[\]{}]/;

/** The plain operator a regex amounts to (`^abc$` → `=`, `abc.*` → startswith), if any. */
export function simplerThanRegex(re: string): string | undefined {
  let s = re;
  let anchoredStart = false;
  let anchoredEnd = false;
  if (s.startsWith('^')) {
    s = s.slice(1);
    anchoredStart = true;
  } else {
    for (const p of ['.*', '.+', '.?']) {
      if (s.startsWith(p)) {
        s = s.slice(2);
        break;
      }
    }
    anchoredStart = s.length === re.length;
  }
  const before = s.length;
  if (s.endsWith('$') && !s.endsWith('\\$')) {
    s = s.slice(0, -1);
    anchoredEnd = true;
  } else {
    for (const p of ['.*', '.+', '.?']) {
      if (s.endsWith(p)) {
        s = s.slice(0, -2);
        break;
      }
    }
    anchoredEnd = s.length === before;
  }
  if (s === '' || META.test(s)) return undefined;
  if (anchoredStart && anchoredEnd) return '=';
  if (anchoredStart) return 'startswith';
  if (anchoredEnd) return 'endswith';
  return 'contains';
}
