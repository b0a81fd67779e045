/**
 * Falco output formats (`File opened by %proc.name (fd=%fd.name %proc.aname[2])`) compiled once
 * into a renderer. Supported, as in libsinsp's formatter: `%field`, `%field[arg]`,
 * `%evt.arg.NAME`, a width (`%20proc.name`: padded with spaces or cut to 20 characters), a
 * leading `*` (Falco's "print even with missing values", which is always Harrier's behaviour),
 * and transformers around a field (`%tolower(proc.name)`). A missing value prints as `<NA>`.
 */
import { argProblem, readFieldRef } from '../fields/field-ref.js';
import { fieldRegistry } from '../fields/registry.js';
import type { EvalContext, Extractor, FieldRegistry, FieldValue } from '../fields/types.js';
import { type Transformer, transformer } from './transformers.js';
import { valueText } from './value-text.js';

/** One field token of a format. */
export interface OutputField {
  /** The token as written without `%` and width (`proc.aname[2]`, `tolower(proc.name)`). */
  key: string;
  extract: Extractor;
  /** Field width; 0 when none. */
  width: number;
}

export interface CompiledOutput {
  readonly format: string;
  /** Field tokens in order of appearance (repeats included). */
  readonly fields: readonly OutputField[];
  /** The rendered text for one event. */
  render(ctx: EvalContext): string;
  /** Each distinct field's value, by key, in order of first appearance (for output_fields). */
  values(ctx: EvalContext): Array<[string, FieldValue]>;
}

export class OutputFormatError extends Error {
  constructor(
    message: string,
    readonly format: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position} of output "${format}"`);
    this.name = 'OutputFormatError';
  }
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;

interface Parsed {
  field: OutputField;
  end: number;
}

/** A plain field reference at `pos`, bound to its extractor. */
function parseField(registry: FieldRegistry, format: string, pos: number, width: number): Parsed {
  const ref = readFieldRef(registry, format, pos);
  if (ref === undefined) throw new OutputFormatError('unknown field', format, pos);
  const problem = argProblem(ref.def, ref.arg);
  if (problem !== undefined) throw new OutputFormatError(problem, format, pos);
  return { field: { key: ref.text, extract: registry.extractor(ref.def, ref.arg), width }, end: ref.end };
}

/** `tolower(proc.name)` at `pos`, when the word before `(` is a transformer. */
function parseTransformed(registry: FieldRegistry, format: string, pos: number, width: number): Parsed | undefined {
  let k = pos;
  while (k < format.length && isLetter(format.charCodeAt(k))) k++;
  if (format.charCodeAt(k) !== 40 /* ( */) return undefined;
  const name = format.slice(pos, k);
  const tf: Transformer | undefined = transformer(name);
  if (tf === undefined) throw new OutputFormatError(`unknown transformer ${name}`, format, pos);
  const inner = format.charCodeAt(k + 1) === 37 /* nested % is tolerated */ ? k + 2 : k + 1;
  const nested = parseTransformed(registry, format, inner, 0) ?? parseField(registry, format, inner, 0);
  if (format.charCodeAt(nested.end) !== 41 /* ) */) throw new OutputFormatError('missing )', format, nested.end);
  const extract = nested.field.extract;
  return {
    field: { key: `${name}(${nested.field.key})`, extract: (ctx) => tf(extract(ctx)), width },
    end: nested.end + 1,
  };
}

/** Pads with spaces or cuts to `width`, as libsinsp's std::string::resize does. */
function fit(text: string, width: number): string {
  if (width === 0 || text.length === width) return text;
  return text.length > width ? text.slice(0, width) : text.padEnd(width, ' ');
}

export function compileOutput(format: string, registry: FieldRegistry = fieldRegistry): CompiledOutput {
  // Rules written as YAML folded scalars end in a newline; an alert line must not.
  let text = format.trim();
  if (text.startsWith('*')) text = text.slice(1);
  const literals: string[] = [];
  const fields: OutputField[] = [];
  let last = 0;
  let i = text.indexOf('%');
  while (i !== -1) {
    literals.push(text.slice(last, i));
    let pos = i + 1;
    if (pos >= text.length) throw new OutputFormatError('a format cannot end with %', text, i);
    let width = 0;
    while (pos < text.length && isDigit(text.charCodeAt(pos))) width = width * 10 + (text.charCodeAt(pos++) - 48);
    const parsed = parseTransformed(registry, text, pos, width) ?? parseField(registry, text, pos, width);
    fields.push(parsed.field);
    last = parsed.end;
    i = text.indexOf('%', last);
  }
  literals.push(text.slice(last));
  return new Compiled(text, literals, fields);
}

class Compiled implements CompiledOutput {
  private readonly distinct: readonly OutputField[];

  constructor(
    readonly format: string,
    /** literals[i] comes before fields[i]; the last literal follows the last field. */
    private readonly literals: readonly string[],
    readonly fields: readonly OutputField[],
  ) {
    const byKey = new Map<string, OutputField>();
    for (const f of fields) if (!byKey.has(f.key)) byKey.set(f.key, f);
    this.distinct = [...byKey.values()];
  }

  render(ctx: EvalContext): string {
    const { literals, fields } = this;
    let out = literals[0] ?? '';
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (f === undefined) continue;
      out += fit(valueText(f.extract(ctx)), f.width) + (literals[i + 1] ?? '');
    }
    return out;
  }

  values(ctx: EvalContext): Array<[string, FieldValue]> {
    return this.distinct.map((f): [string, FieldValue] => [f.key, f.extract(ctx)]);
  }
}
