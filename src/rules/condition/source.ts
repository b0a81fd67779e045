import type { Position } from './ast.js';

/**
 * A condition's text with a table of line starts, so positions are computed only when a node or
 * an error needs one (the parser itself moves an offset).
 */
export class Source {
  readonly text: string;
  private readonly lineStarts: number[];

  constructor(text: string) {
    this.text = text;
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, col: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  /** A short excerpt starting at `offset` for error messages: up to the next blank, at most 24 chars. */
  excerpt(offset: number): string {
    const rest = this.text.slice(offset);
    const m = /^[^\s]{1,24}/.exec(rest);
    return m ? m[0] : rest.trimStart().slice(0, 24);
  }
}
