/**
 * Reading a field reference as rules and outputs write it: `proc.name`, `proc.aname[2]`,
 * `proc.env[HOME]`, `evt.arg.name`, `evt.arg[0]`. Like libsinsp, the longest known field name
 * that prefixes the text wins, so `%proc.name.` in an output is the field and a full stop.
 */
import type { FieldDef, FieldRegistry } from './types.js';

export interface FieldRef {
  def: FieldDef;
  arg: string | undefined;
  /** The reference as written (`proc.aname[2]`): the key of the field in output_fields. */
  text: string;
  /** Index just past the reference in the source text. */
  end: number;
}

const isNameChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46;
const isKeyChar = (c: number): boolean => isNameChar(c) && c !== 46;

/** Argument forms that take a key spelled with a dot (`evt.arg.name`). */
const dottedKey = (def: FieldDef): boolean => def.arg === 'index-or-key' || def.arg === 'required-key';

/**
 * The field reference starting at `start` in `text`, or undefined when no known field starts
 * there. Argument validity (a required one missing) is for the caller to check: see argProblem.
 */
export function readFieldRef(registry: FieldRegistry, text: string, start = 0): FieldRef | undefined {
  let end = start;
  while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
  let def: FieldDef | undefined;
  let nameEnd = end;
  for (; nameEnd > start; nameEnd--) {
    def = registry.lookup(text.slice(start, nameEnd));
    if (def !== undefined) break;
  }
  if (def === undefined) return undefined;
  let arg: string | undefined;
  let pos = nameEnd;
  if (def.arg !== 'none' && text.charCodeAt(pos) === 91 /* [ */) {
    const close = text.indexOf(']', pos + 1);
    if (close !== -1) {
      arg = text.slice(pos + 1, close);
      pos = close + 1;
    }
  } else if (dottedKey(def) && text.charCodeAt(pos) === 46 /* . */ && isKeyChar(text.charCodeAt(pos + 1))) {
    let k = pos + 1;
    while (k < text.length && isKeyChar(text.charCodeAt(k))) k++;
    arg = text.slice(pos + 1, k);
    pos = k;
  }
  return { def, arg, text: text.slice(start, pos), end: pos };
}

/** A whole reference (`proc.aname[2]`), or undefined when it is unknown or has trailing text. */
export function parseFieldRef(registry: FieldRegistry, text: string): FieldRef | undefined {
  const ref = readFieldRef(registry, text);
  return ref !== undefined && ref.end === text.length ? ref : undefined;
}

/**
 * Fields whose argument is required but may be an index or a key: FieldArg has no
 * 'required-index-or-key', so they are listed here.
 */
const NEEDS_ARG: ReadonlySet<string> = new Set(['evt.arg', 'evt.rawarg']);

/** Why an argument does not fit the field's form, or undefined when it does. */
export function argProblem(def: FieldDef, arg: string | undefined): string | undefined {
  const isIndex = arg !== undefined && /^\d+$/.test(arg);
  switch (def.arg) {
    case 'none':
      return arg === undefined ? undefined : `${def.name} takes no argument`;
    case 'index':
      return arg === undefined || isIndex ? undefined : `${def.name} takes a numeric index`;
    case 'required-index':
      return isIndex ? undefined : `${def.name} requires a numeric index`;
    case 'required-key':
      return arg !== undefined && arg !== '' ? undefined : `${def.name} requires an argument`;
    case 'key':
    case 'index-or-key':
      if (arg === undefined && NEEDS_ARG.has(def.name)) return `${def.name} requires an argument`;
      return arg === '' ? `${def.name} has an empty argument` : undefined;
  }
}
