/**
 * The HTML report: one self-contained file (inline CSS and a small inline script, no external
 * request of any kind) that a CI system keeps as an artifact and anyone opens offline. Every
 * piece of run data is escaped, and a Content-Security-Policy that admits only this file's own
 * script and style (by hash) stops anything that got through from running or loading.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES } from '../findings/finding.js';
import type { AssessedFinding, Novelty } from '../findings/assessment.js';
import {
  buildText,
  countByNovelty,
  countBySeverity,
  exitText,
  frameText,
  locationText,
  NOVELTIES,
  presentFindings,
  primaryLocation,
  sortFindings,
  suppressionText,
  timeText,
  verdictText,
  type ReportInput,
} from './report-model.js';
import { FILE_OPS, type Connection, type FileOp, type ProcessNode } from './summary.js';
import { formatDuration, shellQuote } from './text.js';

/** Past these, sections are cut with a count; the JSON report has everything. */
const LIMITS = { processes: 5000, files: 5000, connections: 2000 };

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
const e = escapeHtml;

const CSS = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --critical: #a40e26; --high: #bc4c00; --medium: #9a6700; --low: #0969da; --info: #59636e; --pass: #1a7f37; --fail: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
  --critical: #ff7b72; --high: #ffa657; --medium: #d29922; --low: #58a6ff; --info: #9198a1; --pass: #3fb950; --fail: #f85149; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
h1 { font-size: 22px; margin: 16px 0 8px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--panel); padding: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.verdict { padding: 10px 14px; border-radius: 6px; font-weight: 600; font-size: 16px; border: 2px solid var(--muted); }
.verdict.failed { border-color: var(--fail); color: var(--fail); } .verdict.passed { border-color: var(--pass); color: var(--pass); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; word-break: break-all; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 12px; }
a { color: var(--low); }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; }
.sev { display: inline-block; min-width: 64px; padding: 0 6px; border-radius: 10px; font-size: 12px; font-weight: 600; text-align: center; color: var(--bg); }
.sev.critical { background: var(--critical); } .sev.high { background: var(--high); } .sev.medium { background: var(--medium); }
.sev.low { background: var(--low); } .sev.info { background: var(--info); }
.tag { display: inline-block; padding: 0 6px; border: 1px solid var(--line); border-radius: 10px; font-size: 12px; margin-right: 4px; }
.tag.fails { border-color: var(--fail); color: var(--fail); font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0; }
button { font: inherit; padding: 2px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--fg); cursor: pointer; }
button[aria-pressed="false"] { opacity: 0.5; text-decoration: line-through; }
button:focus-visible, summary:focus-visible { outline: 2px solid var(--low); outline-offset: 2px; }
article.finding { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; }
article.finding > details > summary { padding: 6px 10px; cursor: pointer; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
article.finding > details > div { padding: 0 12px 10px; }
.muted { color: var(--muted); }
tr.app td { font-weight: 600; }
ul.tree, ul.tree ul { list-style: none; padding-left: 18px; margin: 0; }
ul.tree { padding-left: 0; }
ul.tree li { margin: 2px 0; }
ul.tree summary { cursor: pointer; }
.exit-bad { color: var(--fail); }
`;

const SCRIPT = `
(function () {
  var shown = {};
  var buttons = document.querySelectorAll('button[data-filter]');
  function apply() {
    var items = document.querySelectorAll('article.finding');
    var visible = 0;
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      var on = shown['severity:' + it.dataset.severity] !== false && shown['novelty:' + (it.dataset.novelty || 'none')] !== false;
      it.hidden = !on;
      if (on) visible++;
    }
    var count = document.getElementById('visible-count');
    if (count) count.textContent = visible + ' of ' + items.length + ' shown';
  }
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener('click', function (ev) {
      var b = ev.currentTarget;
      var on = b.getAttribute('aria-pressed') !== 'true';
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      shown[b.dataset.filter] = on;
      apply();
    });
  }
  function setOpen(selector, open) {
    var ds = document.querySelectorAll(selector);
    for (var i = 0; i < ds.length; i++) ds[i].open = open;
  }
  var actions = { 'expand-findings': ['article.finding > details', true], 'collapse-findings': ['article.finding > details', false],
    'expand-tree': ['ul.tree details', true], 'collapse-tree': ['ul.tree details', false] };
  var actionButtons = document.querySelectorAll('button[data-action]');
  for (var j = 0; j < actionButtons.length; j++) {
    actionButtons[j].addEventListener('click', function (ev) {
      var a = actions[ev.currentTarget.dataset.action];
      if (a) setOpen(a[0], a[1]);
    });
  }
  apply();
  document.documentElement.setAttribute('data-ready', '1');
})();
`;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

function facts(rows: Array<[string, string | undefined]>): string {
  const items = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  return `<dl class="facts">${items.map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

const sevBadge = (s: string) => `<span class="sev ${e(s)}">${e(s)}</span>`;
const cmd = (exe: string, args: string[]) =>
  e(exe === '' ? '(unknown executable)' : [exe, ...args.slice(1)].map(shellQuote).join(' '));

function stackTable(af: AssessedFinding, repoRoot: string | undefined): string {
  const stack = af.finding.evidence.stack ?? [];
  if (stack.length === 0) return '';
  const rows = stack.map(
    (f, i) =>
      `<tr${f.inApp ? ' class="app"' : ''}><td class="num">${i}</td><td class="mono">${e(f.function ?? '?')}</td><td class="mono">${e(frameText({ ...f, function: undefined }, repoRoot))}</td><td>${f.inApp ? 'app' : 'library'}</td><td class="mono">${e(f.address)}</td></tr>`,
  );
  return `<h3>Stack <span class="muted">(innermost first; application frames in bold)</span></h3>
<table><thead><tr><th scope="col" class="num">#</th><th scope="col">function</th><th scope="col">where</th><th scope="col">code</th><th scope="col">address</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function findingArticle(af: AssessedFinding, input: ReportInput): string {
  const f = af.finding;
  const loc = primaryLocation(f, input.repoRoot, input.run.command);
  const p = f.evidence.process;
  const ev = f.evidence.event;
  const tags = [
    af.novelty ? `<span class="tag">${e(af.novelty)}</span>` : '',
    af.suppression ? '<span class="tag">suppressed</span>' : '',
    af.failsGate ? '<span class="tag fails">fails gate</span>' : '',
  ].join('');
  const evidence = facts([
    ['rule', `<code>${e(f.ruleId)}</code> (${e(f.kind)})`],
    [
      'location',
      `<code>${e(locationText(loc))}</code>${loc.source === 'frame' ? '' : ` <span class="muted">(${e(loc.source)}, no source frame)</span>`}`,
    ],
    ['occurrences', `${f.count} · first ${e(timeText(f.firstTs))} · last ${e(timeText(f.lastTs))}`],
    ['weakness', f.cwe.map((c) => `CWE-${c}`).join(', ')],
    ['tags', f.tags.map(e).join(', ')],
    ['fingerprint', `<code>${e(f.fingerprint)}</code>`],
    ['suppression', suppressionText(af) && e(suppressionText(af)!)],
    ['process', p && `<code>${p.pid}</code> ${p.user ? `${e(p.user)} ` : ''}<code>${cmd(p.exePath, p.args)}</code>`],
    [
      'ancestry',
      p && p.ancestry.map((a) => `<code>${a.pid}</code> <code>${cmd(a.exePath, a.args)}</code>`).join('<br>'),
    ],
    ['event', ev && `${e(ev.type)} at ${e(ev.ts)} <code>${e(JSON.stringify(ev.args))}</code>`],
    ...Object.entries(f.evidence.details ?? {}).map(([k, v]): [string, string] => [k, e(String(v))]),
  ]);
  const alert = f.evidence.alert ? `<h3>Alert</h3><pre>${e(JSON.stringify(f.evidence.alert, null, 2))}</pre>` : '';
  return `<article class="finding" data-severity="${e(f.severity)}" data-novelty="${e(af.novelty ?? 'none')}">
<details><summary>${sevBadge(f.severity)}<strong>${e(f.title)}</strong><code>${e(locationText(loc))}</code>${tags}<span class="muted">×${f.count}</span></summary>
<div><p>${e(f.message)}</p>${evidence}${stackTable(af, input.repoRoot)}${alert}</div></details></article>`;
}

function findingsSection(input: ReportInput): string {
  const sorted = sortFindings(input.findings);
  if (sorted.length === 0) return '<h2 id="findings">Findings</h2><p>No findings.</p>';
  const present = presentFindings(input.findings);
  const sev = countBySeverity(input.findings);
  const nov = countByNovelty(input.findings);
  const sevButtons = SEVERITIES.filter((s) => sev[s] > 0).map(
    (s) => `<button type="button" aria-pressed="true" data-filter="severity:${s}">${e(s)} (${sev[s]})</button>`,
  );
  const novButtons = input.baseline
    ? NOVELTIES.filter((n) => nov[n] > 0).map(
        (n) => `<button type="button" aria-pressed="true" data-filter="novelty:${n}">${e(n)} (${nov[n]})</button>`,
      )
    : [];
  return `<h2 id="findings">Findings (${present.length}${nov.fixed ? `, and ${nov.fixed} fixed` : ''})</h2>
<div class="filters" role="group" aria-label="Filter findings"><span>Severity:</span>${sevButtons.join('')}${novButtons.length ? `<span>Baseline:</span>${novButtons.join('')}` : ''}
<button type="button" data-action="expand-findings">expand all</button><button type="button" data-action="collapse-findings">collapse all</button>
<span id="visible-count" class="muted" aria-live="polite"></span></div>
${sorted.map((af) => findingArticle(af, input)).join('\n')}`;
}

function baselineSection(input: ReportInput): string {
  if (!input.baseline) return '';
  const b = input.baseline;
  const groups = NOVELTIES.map((n: Novelty) => {
    const items = sortFindings(input.findings.filter((f) => f.novelty === n));
    const list = items.length
      ? `<ul>${items.map((af) => `<li>${sevBadge(af.finding.severity)} ${e(af.finding.title)} <code>${e(locationText(primaryLocation(af.finding, input.repoRoot, input.run.command)))}</code> <span class="muted">${e(af.finding.fingerprint)}</span></li>`).join('')}</ul>`
      : '<p class="muted">none</p>';
    return `<h3>${e(n)} (${items.length})</h3>${list}`;
  });
  const against = facts([
    ['baseline', `<code>${e(b.ref)}</code>`],
    ['run', b.runId && e(b.runId)],
    ['build', b.build && e(buildText(b.build))],
  ]);
  return `<h2 id="baseline">Comparison with the baseline</h2>${against}${groups.join('')}`;
}

function processItem(n: ProcessNode, budget: { left: number }): string {
  if (budget.left <= 0) return '';
  budget.left--;
  const exit =
    n.exitSignal !== null
      ? `<span class="exit-bad">killed by ${e(n.exitSignal)}</span>`
      : n.exitCode === null
        ? '<span class="muted">running</span>'
        : n.exitCode === 0
          ? 'exit 0'
          : `<span class="exit-bad">exit ${n.exitCode}</span>`;
  const label = `<code>${n.pid}</code> <code>${cmd(n.exePath, n.args)}</code>${n.execed ? '' : ' <span class="muted">(fork)</span>'} <span class="muted">${e(n.user)}${n.durationMs === null ? '' : ` · ${e(formatDuration(n.durationMs))}`}</span> ${exit}`;
  if (n.children.length === 0) return `<li>${label}</li>`;
  const kids = n.children.map((c) => processItem(c, budget)).join('');
  return `<li><details open><summary>${label} <span class="muted">(${n.children.length} child${n.children.length === 1 ? '' : 'ren'})</span></summary><ul>${kids}</ul></details></li>`;
}

function processSection(input: ReportInput): string {
  const s = input.summary;
  const budget = { left: LIMITS.processes };
  const items = s.processes.map((n) => processItem(n, budget)).join('');
  const more =
    s.totals.processes > LIMITS.processes
      ? `<p class="muted">… ${s.totals.processes - LIMITS.processes} more processes (the JSON report has all)</p>`
      : '';
  return `<h2 id="processes">Processes (${s.totals.processes}, ${s.totals.execs} exec)</h2>
<div class="filters"><button type="button" data-action="expand-tree">expand all</button><button type="button" data-action="collapse-tree">collapse all</button></div>
${items ? `<ul class="tree">${items}</ul>` : '<p class="muted">none</p>'}${more}`;
}

const opsText = (ops: Partial<Record<FileOp, number>>) =>
  FILE_OPS.filter((op) => ops[op])
    .map((op) => `${op} ${ops[op]}`)
    .join(', ');

function filesSection(input: ReportInput): string {
  const dirs = input.summary.files;
  const count = dirs.reduce((n, d) => n + d.files.length, 0);
  let left = LIMITS.files;
  const rows: string[] = [];
  for (const d of dirs) {
    rows.push(
      `<tr><th scope="rowgroup" colspan="2" class="mono">${e(d.dir)} <span class="muted">${e(opsText(d.counts))}</span></th></tr>`,
    );
    for (const f of d.files) {
      if (left-- <= 0) break;
      const renamed = f.renamedTo ? ` → ${e(f.renamedTo.join(', '))}` : '';
      rows.push(`<tr><td class="mono">${e(f.path)}${renamed}</td><td>${e(opsText(f.ops))}</td></tr>`);
    }
  }
  const more = count > LIMITS.files ? `<p class="muted">… ${count - LIMITS.files} more files</p>` : '';
  return `<h2 id="files">Files (${count} in ${dirs.length} directories)</h2>
${rows.length ? `<table><thead><tr><th scope="col">path</th><th scope="col">operations</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p class="muted">none</p>'}${more}`;
}

function networkSection(input: ReportInput): string {
  const net = input.summary.network;
  const all: Array<[string, Connection]> = [
    ...net.outbound.map((c): [string, Connection] => ['outbound', c]),
    ...net.inbound.map((c): [string, Connection] => ['inbound', c]),
    ...net.listening.map((c): [string, Connection] => ['listening', c]),
    ...net.unix.map((c): [string, Connection] => [`unix ${c.op}`, c]),
  ];
  const rows = all.slice(0, LIMITS.connections).map(([kind, c]) => {
    const failed = c.count - c.succeeded;
    const status =
      c.failures.length === 0 ? 'ok' : `<span class="exit-bad">${failed} failed ${e(c.failures.join(', '))}</span>`;
    return `<tr><td>${e(kind)}</td><td>${e(c.proto)}</td><td class="mono">${e(c.address)}</td><td class="num">${c.count}</td><td>${status}</td><td class="mono">${e(c.pids.join(', '))}</td></tr>`;
  });
  const more = all.length > LIMITS.connections ? `<p class="muted">… ${all.length - LIMITS.connections} more</p>` : '';
  return `<h2 id="network">Network (${all.length})</h2>
${rows.length ? `<table><thead><tr><th scope="col">direction</th><th scope="col">proto</th><th scope="col">address</th><th scope="col" class="num">count</th><th scope="col">status</th><th scope="col">pids</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p class="muted">none</p>'}${more}`;
}

export function formatHtml(input: ReportInput): string {
  const s = input.summary;
  const t = s.totals;
  const gate = input.gate;
  const verdictClass = !gate?.policy ? 'none' : gate.failed ? 'failed' : 'passed';
  const present = presentFindings(input.findings);
  const sev = countBySeverity(present);
  const b = input.build;
  const header = facts([
    ['command', `<code>${e(input.run.command.map(shellQuote).join(' '))}</code>`],
    ['run', e(input.run.id ?? 'not stored')],
    ['host', input.run.hostname && e(input.run.hostname)],
    ['started', e(input.run.startedAt)],
    ['duration', e(formatDuration(t.durationMs))],
    ['outcome', e(exitText(input.run.exit)) + (s.partial ? ' <span class="exit-bad">(partial data)</span>' : '')],
    ['sensor', `${e(t.sensor)} <span class="muted">(${e(s.sensorReason)})</span>`],
    ['events', `${t.events} · dropped ${t.drops} · truncated ${t.truncations} · parse errors ${t.parseErrors}`],
    ['component', b?.component && e(b.component)],
    ['branch', b?.branch && e(b.branch)],
    ['commit', b?.commit && `<code>${e(b.commit)}</code>`],
    ['build', b?.buildId && e(b.buildId + (b.ci ? ` (${b.ci})` : ''))],
    // Shown as text, not a link: the report makes no reference outside itself.
    ['CI job', b?.url && `<code>${e(b.url)}</code>`],
    ['findings', `${present.length}: ${SEVERITIES.map((x) => `${sev[x]} ${x}`).join(', ')}`],
    ['suppressed', String(input.suppressedCount)],
  ]);
  const title = `Harrier: ${verdictText(gate)} — ${input.run.command.join(' ')}`;
  const csp = `default-src 'none'; style-src 'sha256-${sha256(CSS)}'; script-src 'sha256-${sha256(SCRIPT)}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${e(csp)}">
<meta name="generator" content="Harrier ${e(input.run.harrierVersion)}">
<title>${e(title.length > 200 ? `${title.slice(0, 199)}…` : title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Harrier report</h1>
<p class="verdict ${verdictClass}" role="status">${e(verdictText(gate))}</p>
${header}
<nav aria-label="Sections"><ul><li><a href="#findings">Findings</a></li>${input.baseline ? '<li><a href="#baseline">Baseline</a></li>' : ''}<li><a href="#processes">Processes</a></li><li><a href="#files">Files</a></li><li><a href="#network">Network</a></li></ul></nav>
</header>
<main>
${findingsSection(input)}
${baselineSection(input)}
${processSection(input)}
${filesSection(input)}
${networkSection(input)}
</main>
<footer><p class="muted">Generated by Harrier ${e(input.run.harrierVersion)} from run ${e(input.run.id ?? '(not stored)')}, ended ${e(input.run.endedAt)}.</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
