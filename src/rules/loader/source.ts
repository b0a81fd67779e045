/**
 * One rules file's text and the means to turn yaml node offsets into file:line:col positions and
 * diagnostics with the source line as a snippet.
 */
import { LineCounter } from 'yaml';
import type { Node } from 'yaml';
import type { Diagnostic, ErrorCode, WarningCode } from './diagnostics.js';
import type { SourcePos } from './types.js';

export class SourceFile {
  readonly lineCounter = new LineCounter();
  private lines: string[] | undefined;

  constructor(
    readonly name: string,
    readonly text: string,
  ) {}

  posAt(offset: number): SourcePos {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.name, line, col };
  }

  /** A node's start; nodes built without a range (never from parsing) fall back to 1:1. */
  posOf(node: Node | null | undefined): SourcePos {
    const start = node?.range?.[0];
    return start === undefined ? { file: this.name, line: 1, col: 1 } : this.posAt(start);
  }

  snippet(line: number): string | undefined {
    this.lines ??= this.text.split(/\r?\n/);
    return this.lines[line - 1];
  }
}

/** Collects diagnostics for one load; shared by every file of it. */
export class Diagnostics {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];

  error(src: SourceFile, pos: SourcePos, code: ErrorCode, message: string): void {
    this.errors.push(make('error', src, pos, code, message));
  }

  warn(src: SourceFile, pos: SourcePos, code: WarningCode, message: string): void {
    this.warnings.push(make('warning', src, pos, code, message));
  }
}

function make(
  severity: Diagnostic['severity'],
  src: SourceFile,
  pos: SourcePos,
  code: Diagnostic['code'],
  message: string,
): Diagnostic {
  const d: Diagnostic = { severity, code, message, file: pos.file, line: pos.line, col: pos.col };
  const snippet = src.snippet(pos.line);
  if (snippet !== undefined) d.snippet = snippet;
  return d;
}
