/**
 * The field registry: every field Harrier can extract, by libsinsp name, with its type and
 * argument form. The condition compiler and the output formatter both resolve fields here.
 */
import { CONTAINER_FIELDS } from './container-fields.js';
import { EVT_FIELDS } from './evt-fields.js';
import { FD_FIELDS } from './fd-fields.js';
import { FSPATH_FIELDS } from './fspath-fields.js';
import { PROC_FIELDS, THREAD_FIELDS } from './proc-fields.js';
import { memoised } from './memo.js';
import type { FieldSpec } from './spec.js';
import type { Extractor, FieldDef, FieldRegistry } from './types.js';
import { USER_FIELDS } from './user-fields.js';

const ALL: readonly FieldSpec[] = [
  ...EVT_FIELDS,
  ...PROC_FIELDS,
  ...THREAD_FIELDS,
  ...FD_FIELDS,
  ...FSPATH_FIELDS,
  ...USER_FIELDS,
  ...CONTAINER_FIELDS,
];

export class FalcoFieldRegistry implements FieldRegistry {
  private readonly specs = new Map<string, FieldSpec>();
  /** One memoised extractor per field and argument, shared by every rule and output using it. */
  private readonly extractors = new Map<string, Extractor>();

  constructor(specs: readonly FieldSpec[] = ALL) {
    for (const s of specs) {
      if (this.specs.has(s.name)) throw new Error(`field ${s.name} is defined twice`);
      this.specs.set(s.name, s);
    }
  }

  lookup(name: string): FieldDef | undefined {
    return this.specs.get(name);
  }

  /**
   * An extractor for `def` with `arg` (`2` for proc.aname[2], `HOME` for proc.env[HOME], `name`
   * for evt.arg.name). The argument is bound here so extraction does no parsing. The same
   * extractor is handed to every user, so a field is computed once per event however many
   * rules read it.
   */
  extractor(def: FieldDef, arg: string | undefined): Extractor {
    const key = arg === undefined ? def.name : `${def.name}[${arg}]`;
    let x = this.extractors.get(key);
    if (x !== undefined) return x;
    const spec = this.specs.get(def.name);
    if (spec === undefined) throw new Error(`unknown field ${def.name}`);
    x = memoised(spec.make(arg));
    this.extractors.set(key, x);
    return x;
  }

  /** Every definition, in registry order (evt, proc, thread, fd, fs.path, user, group, container, k8s). */
  definitions(): FieldDef[] {
    return [...this.specs.values()];
  }

  names(): string[] {
    return [...this.specs.keys()];
  }
}

/** The registry with every field Harrier supports. */
export const fieldRegistry = new FalcoFieldRegistry();

/** Names of all supported fields (without arguments). */
export const supportedFields = (): string[] => fieldRegistry.names();
