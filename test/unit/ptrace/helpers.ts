import { readFileSync } from 'node:fs';
import type { Event } from '../../../src/events/event.js';
import { StraceParser, type StraceParserOptions } from '../../../src/sensors/ptrace/strace-parser.js';

/** test/fixtures/strace, from dist/test/unit/ptrace where the compiled tests run. */
const FIXTURES = new URL('../../../../test/fixtures/strace/', import.meta.url);

export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

export interface Parsed {
  events: Event[];
  parser: StraceParser;
}

/** Parses strace output fed as `chunkSize`-byte chunks (whole input by default). */
export function parse(input: string | Buffer, chunkSize?: number, opts: StraceParserOptions = {}): Parsed {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const parser = new StraceParser(opts);
  const events: Event[] = [];
  const step = chunkSize ?? Math.max(1, buf.length);
  for (let i = 0; i < buf.length; i += step) parser.feed(buf.subarray(i, i + step), events);
  parser.end(events);
  return { events, parser };
}

/** Parses lines given without the tid/timestamp columns: each gets `TID 1700000000.000000001 `. */
export function parseLines(lines: string[], tid = 100): Parsed {
  return parse(lines.map((l) => `${tid} 1700000000.000000001 ${l}\n`).join(''));
}

/** The single event one line produces. */
export function one(line: string): Event {
  const { events, parser } = parseLines([line]);
  if (events.length !== 1 || parser.counters.parseErrors !== 0) {
    throw new Error(
      `expected one clean event from ${line}, got ${events.length} (errors ${parser.counters.parseErrors})`,
    );
  }
  return events[0] as Event;
}

export const byType = (events: Event[], type: string): Event[] => events.filter((e) => e.type === type);
