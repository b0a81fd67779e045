/**
 * The eBPF sensor: runs native/probe's loader and decodes its record stream.
 *
 * Command mode: the loader starts the command itself (so its pid is in the kernel's scope map
 * before it runs) with Harrier's own stdin, stdout and stderr; records come back on a separate
 * pipe, the loader's fd 3. Host mode: everything on the machine except Harrier's own process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Event } from '../../events/event.js';
import type { ExitStatus, Sensor, SensorSession, SensorStats, Target } from '../sensor.js';
import { SensorError } from '../sensor.js';
import { BatchQueue } from './batch-queue.js';
import { type ProbeHello, type ProbeMessage, type ProbeStats, RecordDecoder } from './decoder.js';
import { defaultLoaderPath, loaderUnavailableReason } from './loader.js';
import { ProbeExit } from './protocol.js';
import { syscallNumber } from '../../events/syscalls/index.js';

export interface EbpfSensorOptions {
  /** The loader binary; default native/probe/build/harrier-probe under the package root. */
  loaderPath?: string;
  /**
   * Syscall names to trace, or 'default' for the probe's default set (also usable as one
   * entry among others, e.g. ['default', 'getpid']). Default: the probe's default set.
   */
  syscalls?: readonly string[];
  /** Kernel ring buffer size in MiB, a power of two (default 32). */
  ringMiB?: number;
  /** Command mode: keep observing until orphaned descendants are gone too. */
  waitDescendants?: boolean;
  /** Host mode: more processes to leave out besides Harrier itself. */
  ignorePids?: readonly number[];
  /** Events buffered for a slow consumer before the record pipe is paused (default 65536). */
  highWaterEvents?: number;
  /** How long the loader may take to load, attach and start the command (default 10 s). */
  startTimeoutMs?: number;
}

/** The record pipe is the loader's fd 3 (see PROTOCOL.md, "Transport"). */
const RECORD_FD = 3;

export class EbpfSensor implements Sensor {
  readonly kind = 'ebpf' as const;

  constructor(private readonly opts: EbpfSensorOptions = {}) {}

  private get loaderPath(): string {
    return this.opts.loaderPath ?? defaultLoaderPath();
  }

  unavailableReason(): Promise<string | undefined> {
    return loaderUnavailableReason(this.loaderPath);
  }

  async start(target: Target): Promise<EbpfSession> {
    const why = await this.unavailableReason();
    if (why !== undefined) throw new SensorError(`cannot use the eBPF sensor: ${why}`);
    const session = new EbpfSession(this.loaderPath, this.loaderArgs(target), target, this.opts);
    await session.ready;
    return session;
  }

  private loaderArgs(target: Target): string[] {
    const a = ['--mode', target.mode === 'command' ? 'run' : 'host', '--out-fd', String(RECORD_FD)];
    a.push('--messages', 'records');
    if (this.opts.syscalls !== undefined) a.push('--syscalls', syscallList(this.opts.syscalls));
    if (this.opts.ringMiB !== undefined) a.push('--ring-mb', String(this.opts.ringMiB));
    if (target.mode === 'command') {
      if (this.opts.waitDescendants === true) a.push('--wait-descendants');
      if (target.argv.length === 0) throw new SensorError('no command to run');
      a.push('--', ...target.argv);
    } else {
      for (const pid of [process.pid, ...(this.opts.ignorePids ?? [])]) a.push('--ignore-pid', String(pid));
    }
    return a;
  }
}

function syscallList(names: readonly string[]): string {
  return names
    .map((n) => {
      if (n === 'default') return n;
      const nr = syscallNumber('x86_64', n);
      if (nr === undefined) throw new SensorError(`the eBPF sensor does not know the syscall '${n}'`);
      return String(nr);
    })
    .join(',');
}

/** What a failed start means for the user, by the loader's exit code. */
function startError(code: number | null, signal: NodeJS.Signals | null, messages: ProbeMessage[]): SensorError {
  const detail = messages
    .filter((m) => m.level === 'error')
    .map((m) => m.text)
    .join('; ');
  const said = detail !== '' ? detail : signal !== null ? `killed by ${signal}` : `exit code ${String(code)}`;
  switch (code) {
    case ProbeExit.Permission:
      return new SensorError(
        `the eBPF probe was refused by the kernel: ${said}`,
        'run as root, or use --sensor ptrace',
      );
    case ProbeExit.NoBtf:
      return new SensorError(`the eBPF probe cannot run here: ${said}`, 'use --sensor ptrace');
    case ProbeExit.Attach:
      return new SensorError(`the eBPF probe cannot attach: ${said}`, 'use --sensor ptrace');
    case ProbeExit.Load:
      return new SensorError(`the kernel rejected the eBPF probe: ${said}`, 'use --sensor ptrace, and report this');
    case ProbeExit.Exec:
      return new SensorError(said);
    default:
      return new SensorError(`the eBPF probe failed to start: ${said}`);
  }
}

export class EbpfSession implements SensorSession {
  readonly sensor = 'ebpf' as const;
  /** The command's pid; 0 in host mode. */
  readonly rootPid: Promise<number>;
  /** Command mode: from the probe's EXIT record. Host mode: `exited 0` once stopped. */
  readonly exit: Promise<ExitStatus>;
  readonly events: BatchQueue<Event>;
  /** Resolves once the probe is attached (and, in command mode, the command started). */
  readonly ready: Promise<void>;
  /** Spawn → ready, in milliseconds. */
  startupMs = 0;
  hello: ProbeHello | undefined;
  readonly messages: ProbeMessage[] = [];

  private readonly child: ChildProcess;
  private readonly records: Readable;
  private readonly decoder: RecordDecoder;
  private readonly command: boolean;
  private cmdPid: number | undefined;
  private exited: ExitStatus | undefined;
  private readonly closed: Promise<void>;
  private resolveRoot!: (pid: number) => void;
  private resolveExit!: (s: ExitStatus) => void;
  private rejectExit!: (e: Error) => void;

  constructor(loaderPath: string, args: string[], target: Target, opts: EbpfSensorOptions) {
    this.command = target.mode === 'command';
    this.rootPid = new Promise((r) => (this.resolveRoot = r));
    this.exit = new Promise((res, rej) => {
      this.resolveExit = res;
      this.rejectExit = rej;
    });
    // A caller that never awaits `exit` must not crash the process with an unhandled rejection.
    this.exit.catch(() => undefined);

    const t0 = performance.now();
    let markReady!: () => void;
    let failStart!: (e: Error) => void;
    let isReady = false;
    this.ready = new Promise<void>((res, rej) => {
      markReady = () => {
        if (isReady) return;
        isReady = true;
        this.startupMs = performance.now() - t0;
        res();
      };
      failStart = rej;
    });

    this.decoder = new RecordDecoder({
      hello: (h) => {
        this.hello = h;
        if (!this.command) {
          // Host mode has no command: its root pid is 0 (nothing to wait for).
          this.resolveRoot(0);
          markReady();
        }
      },
      started: (pid) => {
        this.cmdPid = pid;
        this.resolveRoot(pid);
        markReady();
      },
      exit: (_pid, status) => {
        this.exited = status;
        this.resolveExit(status);
      },
      message: (m) => this.messages.push(m),
    });

    this.child = spawn(loaderPath, args, {
      cwd: target.mode === 'command' ? target.cwd : undefined,
      env: target.mode === 'command' ? loaderEnv(target.env) : process.env,
      // The command inherits 0-2 from the loader, so it sees exactly Harrier's stdio.
      stdio: [
        target.mode === 'command' ? 'inherit' : 'ignore',
        target.mode === 'command' ? 'inherit' : 'ignore',
        'inherit',
        'pipe',
      ],
    });
    const records = this.child.stdio[RECORD_FD];
    if (records === null || records === undefined || !('on' in records)) {
      throw new SensorError('the eBPF probe has no record pipe');
    }
    this.records = records as Readable;

    this.events = new BatchQueue<Event>({
      highWater: opts.highWaterEvents ?? 65536,
      lowWater: Math.floor((opts.highWaterEvents ?? 65536) / 4),
      pause: () => this.records.pause(),
      resume: () => this.records.resume(),
    });

    this.records.on('data', (chunk: Buffer) => this.events.push(this.decoder.push(chunk)));
    const streamDone = new Promise<void>((res) => {
      this.records.on('end', res);
      this.records.on('close', res);
      this.records.on('error', res);
    });
    const processDone = new Promise<[number | null, NodeJS.Signals | null]>((res) => {
      this.child.on('error', (e) => {
        failStart(new SensorError(`cannot start the eBPF probe: ${e.message}`));
        res([null, null]);
      });
      this.child.on('exit', (code, signal) => res([code, signal]));
    });

    const timeoutMs = opts.startTimeoutMs ?? 10_000;
    const timer = setTimeout(() => {
      failStart(new SensorError(`the eBPF probe did not start within ${timeoutMs} ms`));
      this.child.kill('SIGKILL');
    }, timeoutMs);
    void this.ready.then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );

    this.closed = Promise.all([streamDone, processDone]).then(([, [code, signal]]) => {
      this.decoder.end();
      this.events.end();
      if (!isReady) failStart(startError(code, signal, this.messages));
      if (this.exited === undefined) {
        if (!this.command) {
          this.exited = { kind: 'exited', code: 0 };
          this.resolveExit(this.exited);
          this.resolveRoot(0);
        } else {
          const why = this.messages.find((m) => m.level === 'error')?.text;
          this.rejectExit(
            new SensorError(
              `the eBPF probe ended before the command did (${signal ?? `exit code ${String(code)}`})${why !== undefined ? `: ${why}` : ''}`,
            ),
          );
        }
      }
    });
  }

  stats(): SensorStats {
    return {
      events: this.decoder.events,
      drops: this.decoder.drops(),
      truncations: this.decoder.truncations,
      parseErrors: this.decoder.parseErrors,
    };
  }

  /** The kernel side's own counters (ring drops per CPU, scope overflows, …). */
  probeStats(): ProbeStats | undefined {
    return this.decoder.stats;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.cmdPid === undefined || this.exited !== undefined) return;
    try {
      process.kill(this.cmdPid, sig);
    } catch {
      // Already gone: the exit record is on its way.
    }
  }

  /**
   * Command mode: ends the command if it still runs, then the loader drains the ring and
   * exits. Host mode: the loader stops on SIGTERM. Either way the loader is killed outright
   * if it has not finished within two seconds.
   */
  async stop(): Promise<void> {
    if (this.command && this.exited === undefined) this.signal('SIGKILL');
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    // Whatever is still queued is released so the stream can end.
    this.records.resume();
    await this.closed;
    clearTimeout(killer);
  }
}

/**
 * The loader's environment: the command's, with LD_PRELOAD moved aside so the loader itself is
 * not instrumented; the loader restores it in the command just before exec (command.c).
 */
function loaderEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.LD_PRELOAD === undefined) return env;
  const { LD_PRELOAD: preload, ...rest } = env;
  return { ...rest, HARRIER_TARGET_LD_PRELOAD: preload };
}
