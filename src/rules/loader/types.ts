/**
 * What the rules-file loader hands to the condition compiler: a resolved ruleset in which every
 * list, macro and rule has had its appends and overrides applied, and every rule's condition is
 * final text (exceptions already rewritten into it). Conditions are not parsed here.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Priority } from './priority.js';
import type { TextSpan } from './text-spans.js';

/** A place in a rules file; line and col are 1-based, as editors show them. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** One exception as data, after merging appended values into same-named exceptions. */
export interface RuleException {
  name: string;
  /** A single field (`fields: proc.name`) or a tuple of fields (`fields: [proc.name, fd.name]`). */
  fields: string | string[];
  /** Parallel to `fields` (a single operator for a single field); defaults already applied. */
  comps: string | string[];
  /**
   * For a single field: one entry per value. For tuple fields: one tuple per entry, each element
   * a scalar or a list of scalars (a list renders as `(a, b)`).
   */
  values: ExceptionValue[];
  pos: SourcePos;
}

export type ExceptionScalarOrList = string | string[];
export type ExceptionValue = ExceptionScalarOrList | ExceptionScalarOrList[];

export interface LoadedRule {
  name: string;
  desc: string;
  /** The final condition: the rule's own text with appends, then `and not (...)` per exception. */
  condition: string;
  /** The rule's condition before exceptions were rewritten into it (appends applied). */
  baseCondition: string;
  output: string;
  priority: Priority;
  tags: string[];
  source: string;
  enabled: boolean;
  exceptions: RuleException[];
  warnEvttypes: boolean;
  skipIfUnknownFilter: boolean;
  capture: boolean;
  captureDuration: number | undefined;
  /** Where the rule item that defined it starts. */
  pos: SourcePos;
  /** Where the defining item's `condition` value starts (the last replacement's, if replaced). */
  conditionPos: SourcePos;
  /** Where each stretch of `condition` came from: see `positionInText` for an offset's place. */
  conditionSpans: TextSpan[];
}

export interface LoadedMacro {
  condition: string;
  pos: SourcePos;
  conditionPos: SourcePos;
  /** Where each stretch of `condition` came from (definition and appends). */
  conditionSpans: TextSpan[];
}

export interface LoadedList {
  /** Items as written (appends applied); names of other lists are kept, not expanded. */
  items: string[];
  /** The items that name another list defined in the ruleset (the compiler expands them). */
  listRefs: string[];
  pos: SourcePos;
  /** Where each item was written, parallel to `items`. */
  itemPositions: SourcePos[];
}

export interface PluginRequirement {
  name: string;
  version: string;
  alternatives: { name: string; version: string }[];
  pos: SourcePos;
}

export interface LoadResult {
  /** In definition order; a redefinition keeps the first definition's place, as Falco does. */
  rules: LoadedRule[];
  macros: Map<string, LoadedMacro>;
  lists: Map<string, LoadedList>;
  /** The highest `required_engine_version` across files, normalised to `major.minor.patch`. */
  requiredEngineVersion: string | undefined;
  requiredPlugins: PluginRequirement[];
  warnings: Diagnostic[];
  errors: Diagnostic[];
}
