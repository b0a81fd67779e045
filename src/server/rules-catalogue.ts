/**
 * The rules a `harrier serve` was started with, as plain data: the server lists them (and their
 * hit counts from the store) but never evaluates them, so it keeps only what a listing shows.
 */
import type { LoadedRule } from '../rules/loader/index.js';
import { priorityName, type Priority } from '../rules/output/index.js';
import { SEVERITY_OF_PRIORITY } from '../findings/from-rule.js';
import type { FindingSeverity } from '../store/store.js';

export interface CataloguedRule {
  name: string;
  description: string;
  /** Falco's spelling (`Warning`, `Informational`). */
  priority: Priority;
  /** The finding severity the priority maps to (what the rule's findings are stored with). */
  severity: FindingSeverity;
  tags: string[];
  enabled: boolean;
  /** The event source (`syscall`). */
  source: string;
  file: string;
  line: number;
  /** The condition as written, appends applied, before exceptions are rewritten into it. */
  condition: string;
  output: string;
}

export interface RulesCatalogue {
  /** The rules files, in load order (empty with `--no-rules`). */
  files: string[];
  /** Every rule in them, enabled or not, in definition order. */
  rules: CataloguedRule[];
}

export const NO_RULES: RulesCatalogue = { files: [], rules: [] };

export function rulesCatalogue(files: readonly string[], rules: readonly LoadedRule[]): RulesCatalogue {
  return {
    files: [...files],
    rules: rules.map((r) => {
      // The loader has already refused unknown priorities; Debug only keeps the type total.
      const priority = priorityName(r.priority) ?? 'Debug';
      return {
        name: r.name,
        description: r.desc.trim(),
        priority,
        severity: SEVERITY_OF_PRIORITY[priority],
        tags: [...r.tags],
        enabled: r.enabled,
        source: r.source,
        file: r.pos.file,
        line: r.pos.line,
        condition: r.baseCondition.trim(),
        output: r.output.trim(),
      };
    }),
  };
}
