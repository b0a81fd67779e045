/**
 * `harrier rules validate FILE...` (like `falco -V`) and `harrier rules list`: load and compile
 * rules files without observing anything.
 */
import { formatRulesDiagnostic } from '../../detect/rules/index.js';
import { priorityName } from '../../rules/output/index.js';
import { referencedEventTypesOf } from '../../detect/rules/ruleset.js';
import { styleFor } from '../../report/style.js';
import { defaultRulesFiles } from '../paths.js';
import { loadRulesetOrExplain } from '../rules.js';

export async function rulesValidateCommand(files: string[], opts: { json?: boolean }): Promise<number> {
  const paths = files.length > 0 ? files : defaultRulesFiles();
  const rs = await loadRulesetOrExplain(paths);
  if (opts.json) {
    process.stdout.write(
      JSON.stringify(
        { files: paths, ok: rs.errors.length === 0, rules: rs.rules.length, errors: rs.errors, warnings: rs.warnings },
        null,
        2,
      ) + '\n',
    );
    return rs.errors.length > 0 ? 1 : 0;
  }
  const st = styleFor(process.stdout);
  for (const d of [...rs.errors, ...rs.warnings]) {
    const text = formatRulesDiagnostic(d);
    process.stdout.write((d.severity === 'error' ? st.red(text) : st.yellow(text)) + '\n');
  }
  const enabled = rs.all.filter((r) => r.enabled).length;
  const verdict = rs.errors.length === 0 ? st.green('ok') : st.red(`${rs.errors.length} error(s)`);
  process.stdout.write(
    `${paths.join(', ')}: ${verdict} · ${rs.rules.length} of ${enabled} enabled rules compiled · ` +
      `${rs.all.length - enabled} disabled · ${rs.warnings.length} warning(s)\n`,
  );
  return rs.errors.length > 0 ? 1 : 0;
}

export async function rulesListCommand(files: string[], opts: { json?: boolean }): Promise<number> {
  const paths = files.length > 0 ? files : defaultRulesFiles();
  const rs = await loadRulesetOrExplain(paths);
  const compiled = new Map(rs.rules.map((r) => [r.name, r]));
  const rows = rs.all.map((r) => {
    const c = compiled.get(r.name);
    return {
      rule: r.name,
      // A disabled rule is not compiled: spell its priority as compiled ones are (`Debug`, not `DEBUG`).
      priority: c?.priority ?? priorityName(r.priority) ?? r.priority,
      enabled: r.enabled,
      compiled: c !== undefined,
      source: r.source,
      tags: r.tags,
      eventTypes: c ? referencedEventTypesOf(c) : null,
      file: `${r.pos.file}:${r.pos.line}:${r.pos.col}`,
      desc: r.desc.trim(),
    };
  });
  if (opts.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return rs.errors.length > 0 ? 1 : 0;
  }
  const st = styleFor(process.stdout);
  for (const r of rows) {
    const state = !r.enabled ? st.dim(' (disabled)') : r.compiled ? '' : st.red(' (does not compile)');
    process.stdout.write(`${st.bold(r.rule)}${state}  ${r.priority}  ${st.dim(r.tags.join(' '))}\n`);
  }
  process.stdout.write(st.dim(`${rows.length} rules from ${paths.join(', ')}\n`));
  return rs.errors.length > 0 ? 1 : 0;
}
