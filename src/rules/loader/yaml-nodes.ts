/**
 * Reading rules YAML through the yaml library's node tree, so that every value keeps its source
 * offset. Documents are parsed with the failsafe schema (every scalar is a string), which matches
 * Falco's yaml-cpp: a value is only given a type when a key asks for one (`enabled: yes` is a
 * boolean, `desc: 10` is the text "10", `0755` stays "0755").
 */
import { isMap, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import type { Document, Node, Scalar, YAMLMap } from 'yaml';
import type { Diagnostics, SourceFile } from './source.js';
import type { SourcePos } from './types.js';

/** One key of a YAML map with where its key and value start. */
export interface Entry {
  key: string;
  keyPos: SourcePos;
  value: Node | null;
  valuePos: SourcePos;
}

/** The top-level items of every document in a file; YAML syntax errors are reported. */
export function parseItems(src: SourceFile, diags: Diagnostics): Node[] {
  const docs = parseAllDocuments(src.text, {
    lineCounter: src.lineCounter,
    uniqueKeys: false,
    schema: 'failsafe',
    prettyErrors: false,
  });
  if (!Array.isArray(docs)) return []; // an empty stream: no documents at all
  const items: Node[] = [];
  let failed = false;
  for (const doc of docs) {
    for (const e of doc.errors) {
      diags.error(src, src.posAt(e.pos[0]), 'LOAD_ERR_YAML_PARSE', e.message);
      failed = true;
    }
  }
  // Like Falco, a file that is not valid YAML contributes nothing: half a file is worse than none.
  if (failed) return [];
  for (const doc of docs) {
    if (!expandAliases(doc)) {
      diags.error(
        src,
        src.posAt(0),
        'LOAD_ERR_YAML_PARSE',
        `Aliases expand to more than ${MAX_ALIAS_NODES} nodes: refusing to expand further`,
      );
      return [];
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && (root.value === '' || root.value === null))) continue;
    if (!isSeq(root)) {
      diags.error(src, src.posOf(root), 'LOAD_ERR_YAML_VALIDATE', 'Rules content is not yaml array of objects');
      continue;
    }
    for (const item of root.items) {
      if (item === null || !isNodeLike(item)) continue;
      items.push(item);
    }
  }
  return items;
}

/** Bounds alias expansion (in copied nodes), so a small file cannot make a huge ruleset. */
const MAX_ALIAS_NODES = 100_000;

/**
 * Replaces every alias (`*name`) with a copy of its anchored node, as yaml-cpp does for Falco, so
 * the rest of the loader only sees maps, sequences and scalars. Positions of copied values are
 * those of the anchor. False if the expansion bound was hit.
 */
function expandAliases(doc: Document.Parsed): boolean {
  let copied = 0;
  let ok = true;
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc);
      if (target === undefined) return undefined;
      copied += nodeCount(target);
      if (copied > MAX_ALIAS_NODES) {
        ok = false;
        return visit.BREAK;
      }
      // clone() is typed as the base class; a copy of a map, sequence or scalar is one again.
      return target.clone() as Node;
    },
  });
  return ok;
}

function nodeCount(node: unknown): number {
  if (isMap(node)) return node.items.reduce((n, p) => n + 1 + nodeCount(p.key) + nodeCount(p.value), 1);
  if (isSeq(node)) return node.items.reduce((n: number, i) => n + nodeCount(i), 1);
  return 1;
}

function isNodeLike(v: unknown): v is Node {
  return isMap(v) || isSeq(v) || isScalar(v) || (typeof v === 'object' && v !== null && 'range' in v);
}

/**
 * A map's entries by key. A repeated key is warned about and the first occurrence wins, as with
 * yaml-cpp's lookup in Falco.
 */
export function readEntries(src: SourceFile, diags: Diagnostics, map: YAMLMap): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? scalarString(keyNode) : undefined;
    const keyPos = src.posOf(keyNode);
    if (key === undefined) {
      diags.error(src, keyPos, 'LOAD_ERR_YAML_VALIDATE', 'Item keys must be strings');
      continue;
    }
    const value = (pair.value as Node | null) ?? null;
    if (out.has(key)) {
      diags.warn(src, keyPos, 'LOAD_DUPLICATE_KEY', `Duplicate key '${key}': the first one is used`);
      continue;
    }
    out.set(key, { key, keyPos, value, valuePos: value === null ? keyPos : src.posOf(value) });
  }
  return out;
}

export function scalarString(node: Scalar): string {
  const v = node.value;
  return v === null || v === undefined ? '' : String(v);
}

/** The text of a scalar node, or undefined for maps, sequences and missing values. */
export function textOf(node: Node | null): string | undefined {
  if (node === null) return '';
  return isScalar(node) ? scalarString(node) : undefined;
}

/** A sequence of scalars as strings; undefined if the node is not such a sequence. */
export function stringListOf(node: Node | null): string[] | undefined {
  if (!isSeq(node)) return undefined;
  const out: string[] = [];
  for (const item of node.items) {
    if (!isScalar(item)) return undefined;
    out.push(scalarString(item));
  }
  return out;
}

/** yaml-cpp's boolean spellings (YAML 1.1), which Falco accepts for `enabled` and friends. */
export function boolOf(node: Node | null): boolean | undefined {
  if (!isScalar(node)) return undefined;
  switch (scalarString(node).toLowerCase()) {
    case 'true':
    case 'yes':
    case 'y':
    case 'on':
      return true;
    case 'false':
    case 'no':
    case 'n':
    case 'off':
      return false;
    default:
      return undefined;
  }
}
