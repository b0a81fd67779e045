/**
 * The `harrier` command line: option parsing and dispatch only. Each command lives in
 * ./commands and wires the layers together.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { BuildInfo } from '../findings/assessment.js';
import { SENSOR_CHOICES } from '../sensors/select.js';
import { monitorCommand } from './commands/monitor.js';
import { diffCommand } from './commands/diff.js';
import { replayCommand } from './commands/replay.js';
import { reportCommand } from './commands/report.js';
import { rulesListCommand, rulesValidateCommand } from './commands/rules.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { serveCommand } from './commands/serve.js';
import { showCommand } from './commands/show.js';
import { EXIT_HARRIER_ERROR, printError } from './errors.js';
import { checkReportSpecs, parseReportSpec, type ReportSpec } from './report-specs.js';
import { DEFAULT_STORE } from './store.js';
import { readToken } from './token.js';
import { version } from './version.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return n;
}

function collectReport(value: string, previous: ReportSpec[]): ReportSpec[] {
  return [...previous, parseReportSpec(value)];
}

function checkedReports(specs: ReportSpec[]): ReportSpec[] {
  checkReportSpecs(specs);
  return specs;
}

function buildFlags(opts: { buildId?: string; branch?: string; commit?: string; component?: string }): BuildInfo {
  return {
    ...(opts.buildId !== undefined && { buildId: opts.buildId }),
    ...(opts.branch !== undefined && { branch: opts.branch }),
    ...(opts.commit !== undefined && { commit: opts.commit }),
    ...(opts.component !== undefined && { component: opts.component }),
  };
}

const reportOption = () =>
  new Option(
    '--report <format[:path]>',
    'write a report: text, json, sarif, junit, markdown or html, to PATH or stdout (repeatable)',
  )
    .argParser(collectReport)
    .default([]);

const baselineOption = () =>
  new Option(
    '--baseline <ref>',
    'compare with a previous run: `last` (same component and branch), a run id, a build id, or a JSON/SARIF report file',
  );

const failOnOption = () =>
  new Option(
    '--fail-on <policy>',
    'exit 1 when a finding is at or above a severity (critical, high, medium, low, info); new:SEVERITY counts only new ones',
  );

const ignoreFileOption = () =>
  new Option('--ignore-file <file>', 'suppressions (default: .harrier/ignore.yaml in the repository, if present)');

const storeOption = () => new Option('--store <path>', `the run store, a DuckDB file (default: ${DEFAULT_STORE})`);

const ruleMatchingOption = () =>
  new Option('--rule-matching <mode>', "fire every matching rule, or only the first (Falco's old behaviour)")
    .choices(['all', 'first'])
    .default('all');

const program = new Command('harrier')
  .description('Observe programs while they run and report, with evidence, what is risky about what they do.')
  .version(version, '-V, --version')
  .enablePositionalOptions()
  // Throw instead of exiting so usage errors get Harrier's exit code (2); set before the
  // subcommands are added, which copy it.
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({ outputError: (str, write) => write(`harrier: ${str.replace(/^error: /, '')}`) });

program
  .command('run')
  .summary('observe a command and all its descendants, then summarise what they did')
  .description(
    'Runs COMMAND under observation, stores every event, and prints a summary of processes, files, ' +
      "network activity and totals when it ends. Harrier exits with the command's exit code " +
      '(127 if it cannot be found, 126 if it cannot be executed, 128+N if killed by signal N); ' +
      '2 means Harrier itself failed.',
  )
  .argument('<command...>', 'the command to observe (put it after --)')
  .addOption(new Option('--sensor <kind>', 'how to observe').choices(SENSOR_CHOICES).default('auto'))
  .option('--rules <file...>', "Falco-syntax rules files, in order (default: Harrier's rules/harrier_rules.yaml)")
  .option('--no-rules', 'evaluate no rules')
  .addOption(ruleMatchingOption())
  .addOption(storeOption())
  .option('--no-store', 'do not store the run')
  .option('--json [file]', 'print the summary as JSON (to stdout, or to FILE)')
  .option('--events <file>', 'write every normalised event to FILE as NDJSON')
  .option('--full', 'show every process, file and connection in the summary')
  .option('-q, --quiet', 'print no summary (use with --json FILE or the store)')
  .addOption(reportOption())
  .addOption(baselineOption())
  .addOption(failOnOption())
  .addOption(ignoreFileOption())
  .option(
    '--build-id <id>',
    'the CI build this run belongs to (detected on GitHub, GitLab, Jenkins, CircleCI, Buildkite)',
  )
  .option('--branch <name>', 'the branch being built (detected in CI)')
  .option('--commit <sha>', 'the commit being built (detected in CI)')
  .option('--component <name>', 'what is being built, when one repository builds several (default: the repository)')
  .option('--no-libc', 'do not preload the libc interposer (no code-execution risks)')
  .option('--server <url>', 'also record the run on a `harrier serve` collector (with --no-store: only there)')
  .option('--token-file <file>', "the collector's bearer token (default: $HARRIER_TOKEN)")
  .passThroughOptions()
  .addHelpText(
    'after',
    "\nExit codes: the command's own when it fails; otherwise 1 when --fail-on fails, else 0; 2 when Harrier fails.\n" +
      '\nExamples:\n  harrier run -- make test\n' +
      '  harrier run --baseline last --fail-on new:high --report sarif:harrier.sarif -- npm test\n' +
      '  harrier run --json summary.json --events events.ndjson -- ./server --port 8080',
  )
  .action(async (command: string[], opts) => {
    process.exitCode = await runCommand(command, {
      sensor: opts.sensor,
      rules: opts.rules === false ? false : opts.rules,
      ruleMatching: opts.ruleMatching,
      store: opts.store === false ? false : (opts.store ?? DEFAULT_STORE),
      json: opts.json,
      events: opts.events,
      full: opts.full,
      quiet: opts.quiet,
      reports: checkedReports(opts.report),
      baseline: opts.baseline,
      failOn: opts.failOn,
      ignoreFile: opts.ignoreFile,
      build: buildFlags(opts),
      libc: opts.libc !== false,
      server: opts.server,
      token: readToken(opts.tokenFile),
    });
  });

program
  .command('report')
  .summary("write a stored run's reports: compare with a baseline, apply the gate")
  .description(
    'Writes the reports of a stored run (text to stdout by default). Exits 1 when --fail-on fails, 2 when Harrier fails.',
  )
  .argument('<run>', 'a run id, a unique prefix of one, `last` or `last~N`')
  .addOption(storeOption())
  .addOption(reportOption())
  .addOption(baselineOption())
  .addOption(failOnOption())
  .addOption(ignoreFileOption())
  .addHelpText(
    'after',
    '\nExample:\n  harrier report last --baseline last~1 --report html:report.html --fail-on new:high',
  )
  .action(async (run: string, opts) => {
    process.exitCode = await reportCommand(run, {
      store: opts.store,
      reports: checkedReports(opts.report),
      baseline: opts.baseline,
      failOn: opts.failOn,
      ignoreFile: opts.ignoreFile,
    });
  });

program
  .command('diff')
  .summary('compare the findings of two runs or report files: new, fixed, unchanged')
  .argument('<base>', 'the earlier run (id, prefix, build id, `last~N`) or a JSON/SARIF report file')
  .argument('<head>', 'the later run or report file')
  .addOption(storeOption())
  .option('--json', 'print as JSON')
  .option('--exit-code', 'exit 1 when HEAD has findings BASE did not')
  .action(async (base: string, head: string, opts) => {
    process.exitCode = await diffCommand(base, head, { store: opts.store, json: opts.json, exitCode: opts.exitCode });
  });

program
  .command('runs')
  .summary('list stored runs, newest first')
  .addOption(storeOption())
  .option('--json', 'print as JSON')
  .option('-n, --limit <n>', 'how many runs to list', positiveInt, 50)
  .action(async (opts) => {
    process.exitCode = await runsCommand({ store: opts.store, json: opts.json, limit: opts.limit });
  });

program
  .command('show')
  .summary("print a stored run's summary again")
  .argument('<run>', 'a run id, a unique prefix of one, or `last`')
  .addOption(storeOption())
  .option('--json', 'print as JSON')
  .option('--full', 'show every process, file and connection')
  .action(async (run: string, opts) => {
    process.exitCode = await showCommand(run, { store: opts.store, json: opts.json, full: opts.full });
  });

const rules = program.command('rules').summary('validate and list Falco-syntax rules files');
rules
  .command('validate')
  .summary('load and compile rules files, print errors and warnings (exit 1 on error)')
  .argument('[files...]', "rules files in order (default: Harrier's rules)")
  .option('--json', 'print the result as JSON')
  .action(async (files: string[], opts) => {
    process.exitCode = await rulesValidateCommand(files, { json: opts.json });
  });
rules
  .command('list')
  .summary('list the rules with priority, tags and state')
  .argument('[files...]', "rules files in order (default: Harrier's rules)")
  .option('--json', 'print as JSON')
  .action(async (files: string[], opts) => {
    process.exitCode = await rulesListCommand(files, { json: opts.json });
  });

program
  .command('replay')
  .summary('evaluate rules offline over an NDJSON event file (from harrier run --events)')
  .argument('<events>', 'the NDJSON event file')
  .option('--rules <file...>', "rules files, in order (default: Harrier's rules)")
  .addOption(ruleMatchingOption())
  .option('--json', 'print alerts as Falco JSON lines')
  .action(async (events: string, opts) => {
    process.exitCode = await replayCommand(events, {
      rules: opts.rules,
      ruleMatching: opts.ruleMatching,
      json: opts.json,
    });
  });

program
  .command('monitor')
  .summary('watch the whole host with the eBPF sensor until Ctrl-C / SIGTERM')
  .description(
    'Streams every process on this host through Harrier (except Harrier itself) and prints live ' +
      'statistics on stderr and rule alerts as Falco JSON lines on stdout (or --alerts-file). Needs root. ' +
      'Events, alerts and rule findings go to the store unless --no-store. SIGHUP reloads the rules; SIGINT/SIGTERM stop.',
  )
  .option('--rules <file...>', "Falco-syntax rules files, in order (default: Harrier's rules); SIGHUP reloads them")
  .option('--no-rules', 'evaluate no rules')
  .addOption(ruleMatchingOption())
  .option('--alerts-file <file>', "append alerts (Falco's JSON lines) to FILE instead of stdout")
  .option(
    '--dedup-window <seconds>',
    'count identical alerts for this long, then emit one with harrier.repeats (0: emit every alert)',
    nonNegativeInt,
    10,
  )
  .addOption(storeOption())
  .option('--no-store', 'do not store events')
  .option('--events <file>', 'write every normalised event to FILE as NDJSON')
  .option('--stats-interval <seconds>', 'how often to print live statistics', positiveInt, 10)
  .option('--json', 'print statistics as JSON lines')
  .option(
    '--server <url>',
    'also send events, alerts and findings to a `harrier serve` collector (with --no-store: only there)',
  )
  .option('--token-file <file>', "the collector's bearer token (default: $HARRIER_TOKEN)")
  .action(async (opts) => {
    process.exitCode = await monitorCommand({
      rules: opts.rules === false ? false : opts.rules,
      ruleMatching: opts.ruleMatching,
      alertsFile: opts.alertsFile,
      dedupWindow: opts.dedupWindow,
      store: opts.store === false ? false : (opts.store ?? DEFAULT_STORE),
      events: opts.events,
      statsInterval: opts.statsInterval,
      json: opts.json,
      server: opts.server,
      token: readToken(opts.tokenFile),
    });
  });

program
  .command('serve')
  .summary('serve the dashboard, the query and ingest API (and /metrics) over a store')
  .description(
    'Serves the store over HTTP: the web dashboard at /, the query and ingest API under /api/v1 ' +
      '(see docs/api.md), live run and alert streams, Prometheus /metrics and /healthz. Listens on ' +
      'loopback unless --listen says otherwise; a non-loopback address requires a token ' +
      '(--token-file or HARRIER_TOKEN), which the dashboard asks for once.',
  )
  .addOption(storeOption())
  .option('--listen <host:port>', 'address to listen on (port 0: any free port)', '127.0.0.1:7777')
  .option('--token-file <file>', 'bearer token clients must send (default: $HARRIER_TOKEN)')
  .option('--create', 'create the store if it does not exist')
  .option('--rules <file...>', "rules files to list at /api/v1/rules, in order (default: Harrier's rules)")
  .option('--no-rules', 'list no rules (hits of stored runs are still listed)')
  .action(async (opts) => {
    process.exitCode = await serveCommand({
      store: opts.store,
      listen: opts.listen,
      tokenFile: opts.tokenFile,
      create: opts.create,
      rules: opts.rules === false ? false : opts.rules,
    });
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // commander has already printed its own usage errors; --help and --version exit 0.
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : EXIT_HARRIER_ERROR;
  else {
    printError(e);
    process.exitCode = EXIT_HARRIER_ERROR;
  }
}
