/**
 * The terminal form of a run summary. Long sections are cut with a count of what was left out
 * (never silently); `--json` has everything.
 */
import { FILE_OPS, type Connection, type FileOp, type ProcessNode, type RunSummary } from './summary.js';
import { plain, type Style } from './style.js';
import type { Severity } from '../findings/finding.js';
import {
  countByNovelty,
  countBySeverity,
  locationText,
  oneLineStack,
  presentFindings,
  primaryLocation,
  severityCountText,
  sortFindings,
  verdictText,
  type ReportInput,
} from './report-model.js';

export interface TextOptions {
  style?: Style;
  /** Show every process, directory and file instead of the first few. */
  full?: boolean;
}

/** Wide enough for a rule's place, short enough not to wrap twice on a laptop terminal. */
const MESSAGE_WIDTH = 160;

const clip = (text: string, width: number): string => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

const LIMITS = { processes: 40, directories: 12, filesPerDir: 6, connections: 20, types: 12, alerts: 20, findings: 30 };

export function formatDuration(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Quotes an argument only when a shell would need it, so command lines read naturally. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function commandLine(exe: string, args: string[], max = 120): string {
  // A process seen only through its own events (it predates the observation) has no known image.
  if (exe === '') return '(unknown executable)';
  const s = [exe, ...args].map(shellQuote).join(' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function exitText(code: number | null, signal: string | null, st: Style): string {
  if (signal) return st.red(`killed by ${signal}`);
  if (code === null) return st.dim('running');
  return code === 0 ? st.green('exit 0') : st.red(`exit ${code}`);
}

function opsText(ops: Partial<Record<FileOp, number>>): string {
  return FILE_OPS.filter((op) => ops[op])
    .map((op) => `${op} ${ops[op]}`)
    .join(', ');
}

function processLines(nodes: ProcessNode[], st: Style, budget: { left: number }, prefix = ''): string[] {
  const out: string[] = [];
  nodes.forEach((n, i) => {
    if (budget.left <= 0) return;
    budget.left--;
    const last = i === nodes.length - 1;
    const branch = prefix === '' && nodes.length === 1 ? '' : last ? '└─ ' : '├─ ';
    const label = n.execed ? commandLine(n.exePath, n.args) : st.dim(`${commandLine(n.exePath, n.args)} (fork)`);
    const dur = n.durationMs === null ? '' : `  ${formatDuration(n.durationMs)}`;
    out.push(
      `  ${prefix}${branch}${st.dim(String(n.pid))} ${label}  ${st.dim(n.user)}${st.dim(dur)}  ${exitText(n.exitCode, n.exitSignal, st)}`,
    );
    const childPrefix = prefix + (branch === '' ? '' : last ? '   ' : '│  ');
    out.push(...processLines(n.children, st, budget, childPrefix));
  });
  return out;
}

function connLine(kind: string, c: Connection, st: Style): string {
  const status =
    c.failures.length === 0
      ? ''
      : c.succeeded === 0
        ? `  ${st.red(`failed ${c.failures.join(',')}`)}`
        : `  ${st.yellow(`${c.count - c.succeeded} failed ${c.failures.join(',')}`)}`;
  const pids = c.pids.length > 3 ? `${c.pids.slice(0, 3).join(',')},…` : c.pids.join(',');
  return `  ${kind.padEnd(10)} ${c.proto.padEnd(5)} ${c.address}  ${c.count}×${status}  ${st.dim(`pid ${pids}`)}`;
}

function cut<T>(items: T[], limit: number, full: boolean): { shown: T[]; more: number } {
  if (full || items.length <= limit) return { shown: items, more: 0 };
  return { shown: items.slice(0, limit), more: items.length - limit };
}

export function formatSummaryText(s: RunSummary, opts: TextOptions = {}): string {
  const st = opts.style ?? plain;
  const full = opts.full ?? false;
  const lines: string[] = [];
  const exit =
    s.exit === null ? 'no exit status' : 'code' in s.exit ? `exit ${s.exit.code}` : `killed by ${s.exit.signal}`;
  const head = [
    s.runId ? `run ${s.runId}` : 'run (not stored)',
    `sensor ${s.sensor}`,
    formatDuration(s.totals.durationMs),
    exit,
  ];
  lines.push(st.bold(`harrier: ${head.join(' · ')}`) + (s.partial ? ' ' + st.yellow('(partial)') : ''));

  lines.push('', st.bold(`Processes (${s.totals.processes}, ${s.totals.execs} exec)`));
  const budget = { left: full ? Infinity : LIMITS.processes };
  lines.push(...processLines(s.processes, st, budget));
  if (budget.left <= 0 && s.totals.processes > LIMITS.processes && !full) {
    lines.push(st.dim(`  … ${s.totals.processes - LIMITS.processes} more (--full or --json shows all)`));
  }

  const fileCount = s.files.reduce((n, d) => n + d.files.length, 0);
  lines.push('', st.bold(`Files (${fileCount} in ${s.files.length} directories)`));
  if (s.files.length === 0) lines.push(st.dim('  none'));
  const dirs = cut(s.files, LIMITS.directories, full);
  for (const d of dirs.shown) {
    lines.push(`  ${st.cyan(d.dir)}  ${st.dim(opsText(d.counts))}`);
    const files = cut(d.files, LIMITS.filesPerDir, full);
    for (const f of files.shown) {
      const renamed = f.renamedTo ? ` → ${f.renamedTo.join(', ')}` : '';
      const name = f.path === d.dir ? f.path : f.path.slice(d.dir === '/' ? 1 : d.dir.length + 1);
      lines.push(`    ${name}${renamed}  ${st.dim(opsText(f.ops))}`);
    }
    if (files.more) lines.push(st.dim(`    … ${files.more} more files`));
  }
  if (dirs.more) lines.push(st.dim(`  … ${dirs.more} more directories`));

  if (s.alerts.length > 0) {
    const total = s.alerts.reduce((n, a) => n + a.count, 0);
    lines.push('', st.bold(`Alerts (${total} from ${s.alerts.length} rules)`));
    for (const a of cut(s.alerts, LIMITS.alerts, full).shown) {
      const sev = ['Emergency', 'Alert', 'Critical', 'Error'].includes(a.priority) ? st.red : st.yellow;
      const message = typeof a.first.output === 'string' ? a.first.output.replace(/^\S+: \S+ /, '') : '';
      lines.push(`  ${sev(a.priority.padEnd(9))} ${st.bold(a.rule)}${a.count > 1 ? ` ×${a.count}` : ''}`);
      lines.push(`            ${st.dim(message)}`);
    }
    if (!full && s.alerts.length > LIMITS.alerts)
      lines.push(st.dim(`  … ${s.alerts.length - LIMITS.alerts} more rules`));
  }

  lines.push('', st.bold('Network'));
  const net = s.network;
  const conns: string[] = [
    ...net.outbound.map((c) => connLine('outbound', c, st)),
    ...net.inbound.map((c) => connLine('inbound', c, st)),
    ...net.listening.map((c) => connLine('listening', c, st)),
    ...net.unix.map((c) => connLine(`unix ${c.op}`, c, st)),
  ];
  if (conns.length === 0) lines.push(st.dim('  none'));
  const shownConns = cut(conns, LIMITS.connections, full);
  lines.push(...shownConns.shown);
  if (shownConns.more) lines.push(st.dim(`  … ${shownConns.more} more`));

  const t = s.totals;
  const types = cut(Object.entries(t.byType), LIMITS.types, full);
  const typeText = types.shown.map(([k, v]) => `${k} ${v}`).join(', ') + (types.more ? `, … ${types.more} more` : '');
  lines.push('', st.bold('Totals'));
  lines.push(`  events ${t.events}${t.events ? ` (${typeText})` : ''}`);
  lines.push(`  processes ${t.processes} · execs ${t.execs} · duration ${formatDuration(t.durationMs)}`);
  const lossy = t.drops + t.truncations + t.parseErrors > 0;
  const loss = `dropped ${t.drops} · truncated ${t.truncations} · parse errors ${t.parseErrors}`;
  lines.push(`  sensor ${t.sensor} (${s.sensorReason}) · ${lossy ? st.yellow(loss) : loss}`);
  return lines.join('\n') + '\n';
}

/** What the findings section needs: the report model without the summary it is printed after. */
export type FindingsTextInput = Pick<ReportInput, 'findings' | 'gate' | 'baseline' | 'repoRoot' | 'suppressedCount'> & {
  run: Pick<ReportInput['run'], 'command'>;
};

function severityStyle(sev: Severity, st: Style): (s: string) => string {
  return sev === 'critical' || sev === 'high'
    ? st.red
    : sev === 'medium'
      ? st.yellow
      : sev === 'low'
        ? st.cyan
        : st.dim;
}

/**
 * The findings and the gate's verdict, printed after the summary so the verdict is the last line
 * a CI log shows. Gate failures come first; each finding gets a second line with where it
 * happened and how it got there.
 */
export function formatFindingsText(input: FindingsTextInput, opts: TextOptions = {}): string {
  const st = opts.style ?? plain;
  const full = opts.full ?? false;
  const present = presentFindings(input.findings);
  const novelty = countByNovelty(input.findings);
  const head = [`${present.length}: ${severityCountText(countBySeverity(present)).replace(/ · /g, ', ')}`];
  if (input.baseline) head.push(`${novelty.new} new, ${novelty.unchanged} unchanged, ${novelty.fixed} fixed`);
  head.push(`${input.suppressedCount} suppressed`);
  const lines = ['', st.bold(`Findings (${head.join(' · ')})`)];
  if (input.findings.length === 0) lines.push(st.dim('  none'));

  const shown = cut(sortFindings(input.findings), LIMITS.findings, full);
  for (const af of shown.shown) {
    const f = af.finding;
    const sev = severityStyle(f.severity, st)(f.severity.toUpperCase().padEnd(8));
    const marks = [
      f.count > 1 ? `×${f.count}` : '',
      af.novelty ? (af.novelty === 'new' ? st.yellow('new') : st.dim(af.novelty)) : '',
      af.suppression ? st.dim(`suppressed (${af.suppression.reason})`) : '',
      af.failsGate ? st.red(st.bold('FAILS GATE')) : '',
    ].filter((m) => m !== '');
    lines.push(`  ${sev}  ${st.bold(f.title)}${marks.length ? `  ${marks.join('  ')}` : ''}`);
    const stack = oneLineStack(f.evidence.stack);
    if (stack) {
      const loc = locationText(primaryLocation(f, input.repoRoot, input.run.command));
      lines.push(`            ${st.cyan(loc)}${st.dim(` · ${stack}`)}`);
    } else {
      // Without a stack the message says where (the variable, the file, the executable).
      lines.push(`            ${st.dim(clip(f.message, MESSAGE_WIDTH))}`);
    }
  }
  if (shown.more)
    lines.push(st.dim(`  … ${shown.more} more findings (--full, or a JSON/SARIF/HTML report, shows all)`));

  const gate = input.gate;
  const verdict = verdictText(gate);
  const verdictStyle = !gate?.policy ? st.dim : gate.failed ? (x: string) => st.red(st.bold(x)) : st.green;
  lines.push('', verdictStyle(verdict.charAt(0).toUpperCase() + verdict.slice(1)));
  return lines.join('\n') + '\n';
}

/** The terminal report: the run summary, then the findings and the gate's verdict. */
export function formatReportText(input: ReportInput, opts: TextOptions = {}): string {
  return formatSummaryText(input.summary, opts) + formatFindingsText(input, opts);
}
