/**
 * A FieldRegistry for tests: fields are declared with their libsinsp types, and an event is a
 * plain record from `name` (or `name[arg]`) to the value the extractor returns.
 */
import type {
  EvalContext,
  FieldArg,
  FieldDef,
  FieldRegistry,
  FieldType,
  FieldValue,
} from '../../../../src/rules/fields/types.js';

export type FakeEvent = Record<string, FieldValue>;

export interface FieldSpec {
  type: FieldType;
  arg?: FieldArg;
  isList?: boolean;
}

export function fakeRegistry(fields: Record<string, FieldSpec>): FieldRegistry {
  const defs = new Map<string, FieldDef>();
  for (const [name, f] of Object.entries(fields)) {
    defs.set(name, { name, type: f.type, arg: f.arg ?? 'none', isList: f.isList === true, desc: name });
  }
  return {
    lookup: (name) => defs.get(name),
    extractor: (def, arg) => {
      const key = arg === undefined ? def.name : `${def.name}[${arg}]`;
      return (ctx) => (ctx.event as unknown as FakeEvent)[key];
    },
  };
}

export function ctxOf(event: FakeEvent): EvalContext {
  return { event, state: {} } as unknown as EvalContext;
}

/** The fields libsinsp's compiler tests use, with libsinsp's types, plus the mock `c.*` fields. */
export function libsinspTestRegistry(): FieldRegistry {
  return fakeRegistry({
    'c.true': { type: 'string' },
    'c.false': { type: 'string' },
    'c.buffer': { type: 'bytes' },
    'c.singlequote': { type: 'string' },
    'c.doublequote': { type: 'string' },
    'evt.rawtime': { type: 'abstime' },
    'evt.is_io': { type: 'bool' },
    'evt.buffer': { type: 'bytes' },
    'fd.name': { type: 'string' },
    'thread.cpu': { type: 'double' },
    'evt.cpu': { type: 'int' },
    'fd.dev': { type: 'int' },
    'proc.pid': { type: 'int' },
    'fd.ip': { type: 'ipaddr' },
    'fd.net': { type: 'ipnet' },
    'fd.port': { type: 'port' },
    'proc.pid.ts': { type: 'reltime' },
    'evt.count': { type: 'uint' },
    'evt.num': { type: 'uint' },
    'evt.source': { type: 'string' },
    'evt.plugininfo': { type: 'string' },
  });
}
