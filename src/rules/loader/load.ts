/**
 * Loads Falco rules files in order (later items modify earlier ones) into a resolved ruleset.
 * Bad input never throws: every problem becomes a located diagnostic. Only I/O errors throw.
 */
import { readFile } from 'node:fs/promises';
import { isMap } from 'yaml';
import { formatSemver } from './engine-version.js';
import { sourcedConditionWithExceptions } from './exception-condition.js';
import { applyListItem } from './list-item.js';
import { applyMacroItem } from './macro-item.js';
import { findUsage } from './references.js';
import { applyEngineVersionItem, applyPluginVersionsItem } from './requirement-items.js';
import { applyRuleItem } from './rule-item.js';
import { Diagnostics, SourceFile } from './source.js';
import { emptyState } from './state.js';
import type { ItemCtx, LoaderState } from './state.js';
import type { LoadedList, LoadedMacro, LoadedRule, LoadResult } from './types.js';
import { parseItems, readEntries } from './yaml-nodes.js';

/** Item kinds in the order Falco looks for them when an item has more than one of these keys. */
const HANDLERS: [string, (ctx: ItemCtx) => void][] = [
  ['required_engine_version', applyEngineVersionItem],
  ['required_plugin_versions', applyPluginVersionsItem],
  ['list', applyListItem],
  ['macro', applyMacroItem],
  ['rule', applyRuleItem],
];

export interface LoadOptions {
  /** Event sources Harrier can evaluate (default: syscall); rules for others load with a warning. */
  sources?: readonly string[];
}

export interface RulesText {
  /** The name diagnostics use (usually the path). */
  name: string;
  text: string;
}

/** Reads and loads rules files; throws only when a file cannot be read. */
export async function loadRulesFiles(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const files: RulesText[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`cannot read rules file ${path}: ${reason}`);
    }
    files.push({ name: path, text });
  }
  return loadRulesSources(files, options);
}

/** Loads one rules text, for tests and for rules that do not come from a file. */
export function loadRulesText(text: string, fileName = 'rules.yaml', options: LoadOptions = {}): LoadResult {
  return loadRulesSources([{ name: fileName, text }], options);
}

/** Loads several rules texts in order, as Falco loads `-r a -r b`. */
export function loadRulesSources(files: readonly RulesText[], options: LoadOptions = {}): LoadResult {
  const diags = new Diagnostics();
  const state = emptyState(options.sources ?? ['syscall']);
  const sources = new Map<string, SourceFile>();
  for (const f of files) {
    const src = new SourceFile(f.name, f.text);
    sources.set(f.name, src);
    for (const item of parseItems(src, diags)) {
      const pos = src.posOf(item);
      if (!isMap(item)) {
        diags.error(
          src,
          pos,
          'LOAD_ERR_YAML_VALIDATE',
          'Unexpected element type. Each element should be a yaml associative array.',
        );
        continue;
      }
      const ctx: ItemCtx = { src, diags, state, entries: readEntries(src, diags, item), pos };
      const handler = HANDLERS.find(([key]) => ctx.entries.has(key));
      if (handler === undefined) {
        // Falco warns and skips an item it does not know, so newer files still load.
        const keys = [...ctx.entries.keys()].join(', ');
        diags.warn(src, pos, 'LOAD_UNKNOWN_ITEM', `Unknown top level item (keys: ${keys || 'none'})`);
        continue;
      }
      handler[1](ctx);
    }
  }
  return finish(state, diags, sources);
}

function finish(state: LoaderState, diags: Diagnostics, sources: Map<string, SourceFile>): LoadResult {
  const rules: LoadedRule[] = [];
  for (const r of state.rules.values()) {
    const final = sourcedConditionWithExceptions(r.condition, r.exceptions);
    rules.push({ ...r, baseCondition: r.condition.text, condition: final.text, conditionSpans: final.spans });
  }
  const lists = new Map<string, LoadedList>();
  for (const [name, l] of state.lists) {
    const listRefs = l.items.filter((i) => state.lists.has(i));
    lists.set(name, { items: l.items, listRefs, pos: l.pos, itemPositions: l.itemPositions });
  }
  const macros = new Map<string, LoadedMacro>();
  for (const [name, m] of state.macros) {
    macros.set(name, {
      condition: m.condition.text,
      pos: m.pos,
      conditionPos: m.conditionPos,
      conditionSpans: m.condition.spans,
    });
  }
  const usage = findUsage(
    rules.filter((r) => r.enabled).map((r) => r.condition),
    macros,
    state.lists,
  );
  for (const [name, m] of macros) {
    if (usage.macros.has(name)) continue;
    const src = sources.get(m.pos.file);
    if (src !== undefined)
      diags.warn(src, m.pos, 'LOAD_UNUSED_MACRO', `Macro '${name}' not referred to by any enabled rule/macro`);
  }
  for (const [name, l] of state.lists) {
    if (usage.lists.has(name)) continue;
    const src = sources.get(l.pos.file);
    if (src !== undefined)
      diags.warn(src, l.pos, 'LOAD_UNUSED_LIST', `List '${name}' not referred to by any enabled rule/macro/list`);
  }
  return {
    rules,
    macros,
    lists,
    requiredEngineVersion: state.engineVersion === undefined ? undefined : formatSemver(state.engineVersion),
    requiredPlugins: state.plugins,
    warnings: diags.warnings,
    errors: diags.errors,
  };
}
