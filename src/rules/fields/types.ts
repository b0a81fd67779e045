/**
 * The contract between the condition compiler and the field extractors: the compiler asks the
 * registry what a field is (to type-check the operator and value) and for an extractor (to
 * evaluate it). Field names and types follow libsinsp's (`proc.name` is a CHARBUF, …).
 */
import type { Event } from '../../events/event.js';
import type { StateView } from '../../events/context.js';

/** libsinsp's field types, as far as the language distinguishes them. */
export type FieldType =
  | 'string' // CHARBUF, FSPATH, FSRELPATH
  | 'bytes' // BYTEBUF
  | 'int' // INT8..INT64
  | 'uint' // UINT8..UINT64, SOCKFAMILY, SIGTYPE, …
  | 'port' // PORT
  | 'l4proto' // L4PROTO
  | 'bool' // BOOL
  | 'ipaddr' // IPADDR
  | 'ipnet' // IPNET
  | 'abstime' // ABSTIME
  | 'reltime' // RELTIME
  | 'double'
  | 'mode' // MODE
  | 'flags'; // FLAGS8/16/32

/** How a field takes an argument: `proc.aname[2]`, `proc.env[HOME]`, `evt.arg.name`. */
export type FieldArg = 'none' | 'index' | 'key' | 'index-or-key' | 'required-index' | 'required-key';

export interface FieldDef {
  name: string;
  type: FieldType;
  /** The field yields several values (`proc.args` style lists, `fd.types`). */
  isList?: boolean;
  arg: FieldArg;
  desc: string;
}

/** A field's value for one event; `undefined` when it cannot be resolved (comparisons are false). */
export type FieldValue = string | number | bigint | boolean | Uint8Array | Array<string | number | bigint> | undefined;

/**
 * What an extractor reads: the event and the process/fd state it happened in. Create one per
 * event evaluation and never change it: extractors memoise their value on the object's identity,
 * so a reused context (another event, or the state after another apply) would read stale values.
 */
export interface EvalContext {
  event: Event;
  state: StateView;
}

export type Extractor = (ctx: EvalContext) => FieldValue;

export interface FieldRegistry {
  /** The definition for a field name (without its argument), or undefined when unknown. */
  lookup(name: string): FieldDef | undefined;
  /** An extractor for a field with its (already validated) argument (memoised per context). */
  extractor(def: FieldDef, arg: string | undefined): Extractor;
}
