/**
 * The loader's working state while items are applied in order, and the per-item context every
 * item handler receives.
 */
import type { Entry } from './yaml-nodes.js';
import type { Semver } from './engine-version.js';
import type { Diagnostics, SourceFile } from './source.js';
import type { SourcedText } from './text-spans.js';
import type { LoadedRule, PluginRequirement, SourcePos } from './types.js';

/** A rule before its exceptions are rewritten into its condition. */
export type RuleState = Omit<LoadedRule, 'condition' | 'baseCondition' | 'conditionSpans'> & {
  condition: SourcedText;
};

export interface MacroState {
  condition: SourcedText;
  pos: SourcePos;
  conditionPos: SourcePos;
}

export interface ListState {
  items: string[];
  itemPositions: SourcePos[];
  pos: SourcePos;
}

export interface LoaderState {
  lists: Map<string, ListState>;
  macros: Map<string, MacroState>;
  rules: Map<string, RuleState>;
  engineVersion: Semver | undefined;
  plugins: PluginRequirement[];
  /** Event sources the caller can evaluate; rules for others load with a warning. */
  sources: ReadonlySet<string>;
}

export function emptyState(sources: Iterable<string>): LoaderState {
  return {
    lists: new Map(),
    macros: new Map(),
    rules: new Map(),
    engineVersion: undefined,
    plugins: [],
    sources: new Set(sources),
  };
}

export interface ItemCtx {
  src: SourceFile;
  diags: Diagnostics;
  state: LoaderState;
  entries: Map<string, Entry>;
  /** Where the item (the `- ` map) starts. */
  pos: SourcePos;
}
