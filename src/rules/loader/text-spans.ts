/**
 * Where each stretch of a condition's final text came from, so the compiler can report an error
 * at an offset in that text as file:line:col. A condition is built from several YAML values
 * (a definition, appends, exception clauses); each becomes a span. Inside a span the text is
 * aligned character by character with the YAML source when possible (plain, quoted and block
 * scalars alike), so positions are exact; otherwise the span's start is used.
 */
import { isScalar } from 'yaml';
import type { Node } from 'yaml';
import type { SourceFile } from './source.js';
import type { SourcePos } from './types.js';

export interface TextSpan {
  /** Offsets of the stretch in the text, end exclusive. */
  start: number;
  end: number;
  /** Where the stretch starts in its file. */
  pos: SourcePos;
  /** Line and column of every character of the stretch, when the source could be aligned. */
  chars?: { lines: number[]; cols: number[] };
}

export interface SourcedText {
  text: string;
  spans: TextSpan[];
}

/** A YAML scalar's value with the positions of its characters. */
export function scalarText(src: SourceFile, node: Node | null, value: string, fallback: SourcePos): SourcedText {
  const span: TextSpan = { start: 0, end: value.length, pos: fallback };
  if (isScalar(node) && node.range !== undefined && node.range !== null) {
    const [from, to] = node.range;
    const offsets = align(value, src.text.slice(from, to));
    if (offsets !== undefined) {
      const lines: number[] = [];
      const cols: number[] = [];
      for (const o of offsets) {
        const p = src.posAt(from + o);
        lines.push(p.line);
        cols.push(p.col);
      }
      span.chars = { lines, cols };
      if (lines.length > 0) span.pos = { file: src.name, line: lines[0]!, col: cols[0]! };
    }
  }
  return { text: value, spans: [span] };
}

/** Text made up by the loader (exception clauses): the whole stretch maps to one position. */
export function madeText(text: string, pos: SourcePos): SourcedText {
  return { text, spans: [{ start: 0, end: text.length, pos }] };
}

/** Concatenates texts, shifting each one's spans to its place. */
export function concatText(...parts: (SourcedText | string)[]): SourcedText {
  let text = '';
  const spans: TextSpan[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const shift = text.length;
    for (const s of part.spans) spans.push({ ...s, start: s.start + shift, end: s.end + shift });
    text += part.text;
  }
  return { text, spans };
}

/** The file position of `offset` in a text built from spans; `fallback` if no span covers it. */
export function positionAt(spans: readonly TextSpan[], offset: number, fallback: SourcePos): SourcePos {
  const span = spans.find((s) => offset >= s.start && offset < s.end) ?? spans.find((s) => offset === s.end);
  if (span === undefined) return fallback;
  const i = Math.min(offset - span.start, span.end - span.start - 1);
  const line = span.chars?.lines[i];
  const col = span.chars?.cols[i];
  return line === undefined || col === undefined ? span.pos : { file: span.pos.file, line, col };
}

/**
 * Maps each character of a scalar's value to an offset in its raw source: equal characters
 * match; source whitespace (line breaks, indentation) folds into the value's whitespace; quote
 * and escape characters and a block scalar's header are skipped. Undefined when the two cannot
 * be aligned (unusual escapes), in which case callers use the span start.
 */
function align(value: string, raw: string): number[] | undefined {
  let j = 0;
  if (raw.startsWith('|') || raw.startsWith('>')) {
    const nl = raw.indexOf('\n');
    if (nl < 0) return undefined;
    j = nl + 1;
  }
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (/\s/.test(c)) {
      out.push(Math.min(j, raw.length - 1));
      if (j < raw.length && /\s/.test(raw[j]!)) {
        const nextIsSpace = i + 1 < value.length && /\s/.test(value[i + 1]!);
        if (nextIsSpace) j++;
        else while (j < raw.length && /\s/.test(raw[j]!)) j++;
      }
      continue;
    }
    while (j < raw.length && raw[j] !== c && /[\s"'\\]/.test(raw[j]!)) j++;
    if (raw[j] !== c) return undefined;
    out.push(j);
    j++;
  }
  return out;
}
