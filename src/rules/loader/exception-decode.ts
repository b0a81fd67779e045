/**
 * Decoding and checking a rule's `exceptions:` entries ({name, fields, comps, values}). Defaults
 * follow Falco: with a list of fields, `comps` defaults to `=` for each; with a single field it
 * defaults to `in` (the values are a list of candidates for that one field).
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { readEntries, scalarString, stringListOf, textOf } from './yaml-nodes.js';
import type { Diagnostics, SourceFile } from './source.js';
import type { ExceptionScalarOrList, ExceptionValue, RuleException, SourcePos } from './types.js';

/** With a single field the values form one list, so only list operators make sense (Falco's rule). */
const SINGLE_FIELD_OPERATORS = ['in', 'pmatch', 'intersects'];

/** The comparison operators of the condition language an exception may use. */
const OPERATORS = new Set([
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'contains',
  'icontains',
  'bcontains',
  'startswith',
  'bstartswith',
  'endswith',
  'glob',
  'iglob',
  'in',
  'intersects',
  'pmatch',
  'exists',
  'regex',
]);

const EXCEPTION_KEYS = new Set(['name', 'fields', 'comps', 'values']);

interface DecodedValue {
  value: ExceptionValue;
  /** A value given as a sequence (a tuple), as opposed to a single scalar. */
  isTuple: boolean;
  pos: SourcePos;
}

/** One exceptions entry as written; fields and comps may be absent when appending values. */
export interface ExceptionDef {
  name: string;
  fields: string | string[] | undefined;
  comps: string | string[] | undefined;
  values: DecodedValue[];
  pos: SourcePos;
  fieldsPos: SourcePos;
  compsPos: SourcePos;
}

interface Ctx {
  src: SourceFile;
  diags: Diagnostics;
}

/** Decodes the `exceptions` value; undefined (with errors reported) if it is malformed. */
export function decodeExceptions(ctx: Ctx, node: Node | null, pos: SourcePos): ExceptionDef[] | undefined {
  const { src, diags } = ctx;
  if (node === null || (isScalar(node) && scalarString(node) === '')) return [];
  if (!isSeq(node)) {
    diags.error(src, pos, 'LOAD_ERR_YAML_VALIDATE', "Value of 'exceptions' must be a sequence of maps");
    return undefined;
  }
  const out: ExceptionDef[] = [];
  let ok = true;
  for (const item of node.items as (Node | null)[]) {
    const itemPos = src.posOf(item);
    if (!isMap(item)) {
      diags.error(src, itemPos, 'LOAD_ERR_YAML_VALIDATE', 'Each exception must be a map');
      ok = false;
      continue;
    }
    const entries = readEntries(src, diags, item);
    for (const e of entries.values()) {
      if (!EXCEPTION_KEYS.has(e.key)) {
        diags.warn(src, e.keyPos, 'LOAD_UNKNOWN_KEY', `Unexpected key '${e.key}' in exception`);
      }
    }
    const nameEntry = entries.get('name');
    const name = nameEntry === undefined ? undefined : textOf(nameEntry.value);
    if (name === undefined || name === '') {
      diags.error(src, nameEntry?.valuePos ?? itemPos, 'LOAD_ERR_YAML_VALIDATE', "Exception has no non-empty 'name'");
      ok = false;
      continue;
    }
    const fields = decodeStringOrList(ctx, entries.get('fields'), 'fields');
    const comps = decodeStringOrList(ctx, entries.get('comps'), 'comps');
    const valuesEntry = entries.get('values');
    const values = valuesEntry === undefined ? [] : decodeValues(ctx, valuesEntry.value, valuesEntry.valuePos);
    if (fields === null || comps === null || values === undefined) {
      ok = false;
      continue;
    }
    out.push({
      name,
      fields,
      comps,
      values,
      pos: itemPos,
      fieldsPos: entries.get('fields')?.valuePos ?? itemPos,
      compsPos: entries.get('comps')?.valuePos ?? itemPos,
    });
  }
  return ok ? out : undefined;
}

/** undefined when absent, null when malformed (reported). */
function decodeStringOrList(
  ctx: Ctx,
  entry: { value: Node | null; valuePos: SourcePos } | undefined,
  key: string,
): string | string[] | undefined | null {
  if (entry === undefined) return undefined;
  const text = textOf(entry.value);
  if (text !== undefined) return text;
  const list = stringListOf(entry.value);
  if (list !== undefined) return list;
  ctx.diags.error(
    ctx.src,
    entry.valuePos,
    'LOAD_ERR_YAML_VALIDATE',
    `Value of '${key}' must be a string or a list of strings`,
  );
  return null;
}

function decodeValues(ctx: Ctx, node: Node | null, pos: SourcePos): DecodedValue[] | undefined {
  const { src, diags } = ctx;
  if (!isSeq(node)) {
    diags.error(src, pos, 'LOAD_ERR_YAML_VALIDATE', "Value of 'values' must be a sequence");
    return undefined;
  }
  const out: DecodedValue[] = [];
  for (const v of node.items as (Node | null)[]) {
    const vpos = src.posOf(v);
    if (isScalar(v)) {
      out.push({ value: scalarString(v), isTuple: false, pos: vpos });
      continue;
    }
    if (!isSeq(v)) {
      diags.error(src, vpos, 'LOAD_ERR_YAML_VALIDATE', 'Exception values must be strings or lists');
      return undefined;
    }
    const tuple: ExceptionScalarOrList[] = [];
    for (const el of v.items as (Node | null)[]) {
      const text = textOf(el);
      const list = text === undefined ? stringListOf(el) : undefined;
      if (text === undefined && list === undefined) {
        diags.error(
          src,
          src.posOf(el),
          'LOAD_ERR_YAML_VALIDATE',
          'Exception tuple elements must be strings or lists of strings',
        );
        return undefined;
      }
      tuple.push(text ?? list ?? '');
    }
    out.push({ value: tuple, isTuple: true, pos: vpos });
  }
  return out;
}

/**
 * Checks a decoded exception and gives its final form. With `existing` (an exception of the same
 * name already on the rule, being appended to) only values may be given, and they join the
 * existing ones. Errors are reported and give undefined.
 */
export function finishException(ctx: Ctx, def: ExceptionDef, existing?: RuleException): RuleException | undefined {
  const { src, diags } = ctx;
  if (existing !== undefined && (def.fields !== undefined || def.comps !== undefined)) {
    const at = def.fields !== undefined ? def.fieldsPos : def.compsPos;
    diags.error(
      src,
      at,
      'LOAD_ERR_VALIDATE',
      `Can not append exception fields or comps to existing exception '${def.name}', only values`,
    );
    return undefined;
  }
  const fields = existing?.fields ?? def.fields;
  if (fields === undefined) {
    diags.error(src, def.pos, 'LOAD_ERR_YAML_VALIDATE', `Exception '${def.name}' has no 'fields'`);
    return undefined;
  }
  let comps: string | string[];
  if (existing !== undefined) comps = existing.comps;
  else if (def.comps !== undefined) comps = def.comps;
  else comps = typeof fields === 'string' ? 'in' : fields.map(() => '=');

  if (existing === undefined && !checkComps(ctx, def, fields, comps)) return undefined;

  const values: ExceptionValue[] = [];
  for (const v of def.values) {
    if (typeof fields === 'string') {
      if (v.isTuple) {
        diags.error(
          src,
          v.pos,
          'LOAD_ERR_VALIDATE',
          `Exception '${def.name}' has a single field, so its values must be strings, not lists`,
        );
        return undefined;
      }
    } else if (!v.isTuple || (v.value as ExceptionScalarOrList[]).length !== fields.length) {
      const got = v.isTuple ? (v.value as ExceptionScalarOrList[]).length : 1;
      diags.error(
        src,
        v.pos,
        'LOAD_ERR_VALIDATE',
        `Exception '${def.name}': fields and values lists must have equal length (${fields.length} fields, ${got} values)`,
      );
      return undefined;
    }
    values.push(v.value);
  }
  return {
    name: def.name,
    fields,
    comps,
    values: existing === undefined ? values : [...existing.values, ...values],
    pos: existing?.pos ?? def.pos,
  };
}

function checkComps(ctx: Ctx, def: ExceptionDef, fields: string | string[], comps: string | string[]): boolean {
  const fail = (message: string): false => {
    ctx.diags.error(
      ctx.src,
      def.comps === undefined ? def.pos : def.compsPos,
      'LOAD_ERR_VALIDATE',
      `Exception '${def.name}': ${message}`,
    );
    return false;
  };
  if (typeof fields === 'string') {
    if (typeof comps !== 'string') return fail('fields and comps must both be strings');
    if (!SINGLE_FIELD_OPERATORS.includes(comps)) {
      return fail(`when fields is a single field, comps must be one of ${SINGLE_FIELD_OPERATORS.join(', ')}`);
    }
    return true;
  }
  if (typeof comps === 'string' || comps.length !== fields.length) {
    return fail(`fields and comps lists must have equal length (expected ${fields.length} operators)`);
  }
  for (const c of comps) {
    if (!OPERATORS.has(c)) return fail(`'${c}' is not a supported comparison operator`);
  }
  return true;
}
