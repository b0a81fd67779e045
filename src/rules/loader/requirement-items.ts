/** `required_engine_version` and `required_plugin_versions` items. */
import { isMap, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { compareSemver, formatSemver, HARRIER_ENGINE_VERSION, parseEngineVersion } from './engine-version.js';
import type { Semver } from './engine-version.js';
import { readEntries, textOf } from './yaml-nodes.js';
import type { ItemCtx } from './state.js';
import type { PluginRequirement } from './types.js';

const SUPPORTED = parseEngineVersion(HARRIER_ENGINE_VERSION) as Semver;

export function applyEngineVersionItem(ctx: ItemCtx): void {
  const { src, diags, state, entries } = ctx;
  warnExtraKeys(ctx, 'required_engine_version');
  const e = entries.get('required_engine_version');
  if (e === undefined) return;
  const text = textOf(e.value);
  const v = text === undefined ? undefined : parseEngineVersion(text);
  if (v === undefined) {
    diags.error(
      src,
      e.valuePos,
      'LOAD_ERR_YAML_VALIDATE',
      `Invalid required_engine_version '${text ?? ''}': expected a version such as 0.57.0`,
    );
    return;
  }
  if (compareSemver(v, SUPPORTED) > 0) {
    diags.error(
      src,
      e.valuePos,
      'LOAD_ERR_VERSION',
      `Rules require engine version ${formatSemver(v)}, but Harrier supports up to ${HARRIER_ENGINE_VERSION}`,
    );
    return;
  }
  if (state.engineVersion === undefined || compareSemver(v, state.engineVersion) > 0) state.engineVersion = v;
}

export function applyPluginVersionsItem(ctx: ItemCtx): void {
  const { src, diags, state, entries } = ctx;
  warnExtraKeys(ctx, 'required_plugin_versions');
  const e = entries.get('required_plugin_versions');
  if (e === undefined) return;
  if (!isSeq(e.value)) {
    diags.error(
      src,
      e.valuePos,
      'LOAD_ERR_YAML_VALIDATE',
      "Value of 'required_plugin_versions' must be a sequence of {name, version}",
    );
    return;
  }
  for (const node of e.value.items as (Node | null)[]) {
    const req = decodePlugin(ctx, node, true);
    if (req !== undefined && checkPlugin(ctx, req)) state.plugins.push(req);
  }
}

function decodePlugin(ctx: ItemCtx, node: Node | null, top: boolean): PluginRequirement | undefined {
  const { src, diags } = ctx;
  const pos = src.posOf(node);
  if (!isMap(node)) {
    diags.error(src, pos, 'LOAD_ERR_YAML_VALIDATE', 'A plugin requirement must be a map with name and version');
    return undefined;
  }
  const entries = readEntries(src, diags, node);
  const name = textOf(entries.get('name')?.value ?? null);
  const version = textOf(entries.get('version')?.value ?? null);
  if (name === undefined || name === '' || version === undefined || version === '') {
    diags.error(src, pos, 'LOAD_ERR_YAML_VALIDATE', 'A plugin requirement needs a non-empty name and version');
    return undefined;
  }
  const alternatives: PluginRequirement['alternatives'] = [];
  const alts = entries.get('alternatives');
  if (top && alts !== undefined) {
    if (!isSeq(alts.value)) {
      diags.error(
        src,
        alts.valuePos,
        'LOAD_ERR_YAML_VALIDATE',
        "Value of 'alternatives' must be a sequence of {name, version}",
      );
      return undefined;
    }
    for (const a of alts.value.items as (Node | null)[]) {
      const alt = decodePlugin(ctx, a, false);
      if (alt === undefined) return undefined;
      alternatives.push({ name: alt.name, version: alt.version });
    }
  }
  return { name, version, alternatives, pos };
}

/** Versions must be semver (Falco compares them), and each plugin may appear once among alternatives. */
function checkPlugin(ctx: ItemCtx, req: PluginRequirement): boolean {
  const seen = new Set<string>();
  for (const r of [req, ...req.alternatives]) {
    if (!/^\d+\.\d+\.\d+/.test(r.version)) {
      ctx.diags.error(
        ctx.src,
        req.pos,
        'LOAD_ERR_VALIDATE',
        `Invalid required version '${r.version}' for plugin '${r.name}'`,
      );
      return false;
    }
    if (seen.has(r.name)) {
      const msg = `Defined multiple alternative version requirements for plugin '${r.name}'`;
      ctx.diags.error(ctx.src, req.pos, 'LOAD_ERR_VALIDATE', msg);
      return false;
    }
    seen.add(r.name);
  }
  return true;
}

function warnExtraKeys(ctx: ItemCtx, only: string): void {
  for (const e of ctx.entries.values()) {
    if (e.key !== only) ctx.diags.warn(ctx.src, e.keyPos, 'LOAD_UNKNOWN_KEY', `Unknown key '${e.key}' in ${only} item`);
  }
}
