/**
 * Fields and transformers to extractors: the field's definition gives its type (checked against
 * operators later) and the registry gives a function reading it from an event.
 */
import type { FieldRef, Operand, TransformExpr, ValueLit } from '../condition/ast.js';
import type { Extractor, FieldDef, FieldType, FieldValue } from '../fields/types.js';
import type { CompileContext } from './context.js';
import { typeClass } from './operator-types.js';
import { base64Decode, baseName, getOption, joinValues, length, toLower, toUpper } from './transformers.js';

export interface CompiledOperand {
  type: FieldType;
  isList: boolean;
  get: Extractor;
  /** How the operand was written, for messages. */
  text: string;
}

export function fieldText(f: FieldRef): string {
  return f.arg === undefined ? f.name : `${f.name}[${f.arg}]`;
}

export function compileOperand(op: Operand, cx: CompileContext): CompiledOperand {
  return op.kind === 'field' ? compileField(op, cx) : compileTransform(op, cx);
}

/**
 * `evt.arg.name` is `evt.arg` with the key `name`: when the whole name is unknown, a known prefix
 * taking a key argument is tried.
 */
export function resolveField(f: FieldRef, cx: CompileContext): { def: FieldDef; arg: string | undefined } | undefined {
  const def = cx.registry.lookup(f.name);
  if (def !== undefined) return { def, arg: f.arg };
  if (f.arg !== undefined) return undefined;
  for (let dot = f.name.lastIndexOf('.'); dot > 0; dot = f.name.lastIndexOf('.', dot - 1)) {
    const prefix = cx.registry.lookup(f.name.slice(0, dot));
    if (prefix !== undefined && prefix.arg !== 'none' && prefix.arg !== 'index' && prefix.arg !== 'required-index') {
      return { def: prefix, arg: f.name.slice(dot + 1) };
    }
  }
  return undefined;
}

function compileField(f: FieldRef, cx: CompileContext): CompiledOperand {
  const text = fieldText(f);
  const r = resolveField(f, cx);
  if (r === undefined) return cx.fail('unknown-field', `unknown field '${f.name}'`, f.pos, text);
  const { def, arg } = r;
  const isIndex = arg !== undefined && /^[0-9]+$/.test(arg);
  switch (def.arg) {
    case 'none':
      if (arg !== undefined) cx.fail('field-argument', `field '${def.name}' takes no argument`, f.pos, text);
      break;
    case 'required-index':
      if (arg === undefined)
        cx.fail('field-argument', `field '${def.name}' needs an index argument, as in ${def.name}[1]`, f.pos, text);
      if (!isIndex) cx.fail('field-argument', `the argument of '${def.name}' must be a number`, f.pos, text);
      break;
    case 'index':
      if (arg !== undefined && !isIndex)
        cx.fail('field-argument', `the argument of '${def.name}' must be a number`, f.pos, text);
      break;
    case 'required-key':
      if (arg === undefined)
        cx.fail('field-argument', `field '${def.name}' needs an argument, as in ${def.name}[name]`, f.pos, text);
      break;
    default:
      break;
  }
  // a list field with an index picks one element
  const isList = def.isList === true && !(arg !== undefined && isIndex);
  return { type: def.type, isList, get: cx.registry.extractor(def, arg), text };
}

function compileTransform(t: TransformExpr, cx: CompileContext): CompiledOperand {
  const text = `${t.name}(…)`;
  if (t.name === 'join' || t.name === 'concat') {
    const [first, ...rest] = t.args;
    const sep = t.name === 'join' ? (first as ValueLit).value : '';
    const items = (t.name === 'join' ? rest : t.args).map((a) => itemExtractor(a, cx));
    const get: Extractor = (ctx) => {
      const values: FieldValue[] = [];
      for (const g of items) values.push(g(ctx));
      return joinValues(values, sep);
    };
    return { type: 'string', isList: false, get, text };
  }
  const inner = compileOperand(t.args[0] as Operand, cx);
  if (t.name === 'len') {
    const g = inner.get;
    return { type: 'uint', isList: false, get: (ctx) => length(g(ctx)), text };
  }
  if (typeClass(inner.type) !== 'string') {
    cx.fail(
      'transformer',
      `transformer '${t.name}' needs a string field, '${inner.text}' is ${inner.type}`,
      t.pos,
      text,
    );
  }
  const g = inner.get;
  if (t.name === 'getopt') {
    const option = (t.args[1] as ValueLit).value;
    return { type: 'string', isList: false, get: (ctx) => getOption(g(ctx), option), text };
  }
  const f = { tolower: toLower, toupper: toUpper, b64: base64Decode, basename: baseName }[t.name];
  return { type: 'string', isList: inner.isList, get: (ctx) => f(g(ctx)), text };
}

function itemExtractor(a: Operand | ValueLit, cx: CompileContext): Extractor {
  if (a.kind === 'value') {
    const v = a.value;
    return () => v;
  }
  return compileOperand(a, cx).get;
}
