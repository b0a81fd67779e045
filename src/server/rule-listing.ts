/**
 * The rules listing: the server's loaded rules joined with their hit counts from the store, plus
 * every rule the store has findings of that this server did not load (`loaded: false`), so
 * nothing observed is hidden by starting the server with other rules files.
 */
import { priorityName, PRIORITIES, type Priority } from '../rules/output/index.js';
import type { FindingSeverity, RuleHits } from '../store/store.js';
import { badRequest } from './errors.js';
import type { CataloguedRule, RulesCatalogue } from './rules-catalogue.js';

export interface RuleQuery {
  /** A tag the rule carries (case-insensitive). */
  tag?: string;
  priorities?: Priority[];
  enabled?: boolean;
  /** Substring of the name or description (case-insensitive). */
  q?: string;
  source?: string;
  /** true: only rules with hits; false: only rules without. */
  hit?: boolean;
}

/** A loaded rule with its hits, or (loaded: false) only what the store knows of a rule. */
export type ListedRule = (
  ({ loaded: true } & CataloguedRule) | { loaded: false; name: string; severity: FindingSeverity; tags: string[] }
) & { hits: number; runs: number; lastHit: bigint | undefined };

export interface RuleListing {
  rules: ListedRule[];
  counts: {
    /** Rules in the loaded files, enabled or not. */
    loaded: number;
    enabled: number;
    /** Loaded rules with at least one hit in the store. */
    loadedWithHits: number;
    /** Rules with hits in the store that the loaded files do not define. */
    notLoaded: number;
    /** Rules in this answer (after the filters). */
    shown: number;
  };
}

/** `priority=warning,ERROR,info` → Falco's spellings; an unknown one is a 400 naming the valid ones. */
export function parsePriorities(text: string | undefined): Priority[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim());
  const bad = items.filter((s) => priorityName(s) === undefined);
  if (bad.length > 0) {
    throw badRequest(`priority=${bad.join(',')}: expected one or more of ${PRIORITIES.join(', ')} (comma-separated)`);
  }
  return items.map((s) => priorityName(s) as Priority);
}

function matches(rule: ListedRule, query: RuleQuery): boolean {
  if (query.hit !== undefined && rule.hits > 0 !== query.hit) return false;
  if (query.tag !== undefined) {
    const tag = query.tag.toLowerCase();
    if (!rule.tags.some((t) => t.toLowerCase() === tag)) return false;
  }
  if (query.q !== undefined) {
    const q = query.q.toLowerCase();
    const description = rule.loaded ? rule.description : '';
    if (!rule.name.toLowerCase().includes(q) && !description.toLowerCase().includes(q)) return false;
  }
  // What only a loaded rule has: a rule known from its findings alone cannot match these.
  if (query.priorities !== undefined && !(rule.loaded && query.priorities.includes(rule.priority))) return false;
  if (query.enabled !== undefined && !(rule.loaded && rule.enabled === query.enabled)) return false;
  if (query.source !== undefined && !(rule.loaded && rule.source === query.source)) return false;
  return true;
}

/** Loaded rules in definition order, then the rules known only from the store, by name. */
export function listRules(catalogue: RulesCatalogue, hits: readonly RuleHits[], query: RuleQuery): RuleListing {
  const hitsByRule = new Map(hits.map((h) => [h.ruleId, h]));
  const counted = (h: RuleHits | undefined) => ({ hits: h?.hits ?? 0, runs: h?.runs ?? 0, lastHit: h?.lastHit });
  const loadedNames = new Set(catalogue.rules.map((r) => r.name));
  const all: ListedRule[] = [
    ...catalogue.rules.map((r): ListedRule => ({ ...r, loaded: true, ...counted(hitsByRule.get(r.name)) })),
    ...hits
      .filter((h) => !loadedNames.has(h.ruleId))
      .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0))
      .map((h): ListedRule => ({ loaded: false, name: h.ruleId, severity: h.severity, tags: [], ...counted(h) })),
  ];
  const rules = all.filter((r) => matches(r, query));
  return {
    rules,
    counts: {
      loaded: catalogue.rules.length,
      enabled: catalogue.rules.filter((r) => r.enabled).length,
      loadedWithHits: catalogue.rules.filter((r) => hitsByRule.has(r.name)).length,
      notLoaded: all.length - catalogue.rules.length,
      shown: rules.length,
    },
  };
}
