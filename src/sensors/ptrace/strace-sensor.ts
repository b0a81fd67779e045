/**
 * The ptrace sensor: runs the command under `strace -f --seccomp-bpf`, reads strace's output
 * from a FIFO and turns it into events.
 *
 * Why the pieces are the way they are:
 * - Output goes to a FIFO (`-o`), not a pipe on strace's stdio: the tracee inherits strace's
 *   stdio, and it must get Harrier's stdin/stdout/stderr untouched. strace opens `-o` files
 *   close-on-exec, so tracees never see the FIFO.
 * - For the same reason strace's stderr stays Harrier's stderr (its messages reach the user
 *   directly). When strace fails before the command runs, a trial run with stderr captured
 *   explains why.
 * - The FIFO's read end is opened non-blocking before strace starts, so strace's open never
 *   blocks and a strace that dies before opening it cannot leave a reader stuck.
 * - strace 6.1 has no `--kill-on-exit`: stop() kills every process strace traces (found in
 *   /proc by TracerPid) before stopping strace, since a SIGTERM'd strace detaches and leaves
 *   them running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants, openSync, closeSync, rmSync } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import type { Event } from '../../events/event.js';
import { makeFifo, openFifoReader } from '../fifo.js';
import {
  SensorError,
  type ExitStatus,
  type Sensor,
  type SensorSession,
  type SensorStats,
  type Target,
} from '../sensor.js';
import { checkStrace, findStrace, supportsKillOnExit } from './availability.js';
import { EventQueue } from './event-queue.js';
import { killTracees, readTgid } from './processes.js';
import { StraceParser, type RootEnd } from './strace-parser.js';
import { PTRACE_SYSCALLS } from './syscalls.js';

export interface PtraceSensorOptions {
  /** The strace executable; found on PATH when absent. */
  stracePath?: string;
  /** Syscalls to trace (`-e trace=`); PTRACE_SYSCALLS by default. */
  syscalls?: readonly string[];
  /** strace's `-s`: longest string printed before it is cut with `...`. */
  stringLimit?: number;
  /** How long stop() waits for strace to exit after each signal. */
  stopGraceMs?: number;
  /** How long start() waits for the command's first traced call before returning anyway. */
  startTimeoutMs?: number;
  /** Batches queued for a slow consumer before reading pauses. */
  maxQueuedBatches?: number;
}

const SIGNAL_NUMBERS = osConstants.signals as Readonly<Record<string, number>>;

export class PtraceSensor implements Sensor {
  readonly kind = 'ptrace' as const;
  private availability: Promise<SensorError | undefined> | undefined;
  private killOnExit: Promise<boolean> | undefined;

  constructor(private readonly opts: PtraceSensorOptions = {}) {}

  async unavailableReason(): Promise<string | undefined> {
    const problem = await this.problem();
    if (problem === undefined) return undefined;
    return problem.message === 'strace is not installed' || problem.hint === undefined
      ? problem.message
      : `${problem.message}; ${problem.hint}`;
  }

  /** Like unavailableReason(), keeping the hint apart. */
  problem(): Promise<SensorError | undefined> {
    this.availability ??= checkStrace(findStrace(this.opts.stracePath), this.opts.syscalls ?? PTRACE_SYSCALLS);
    return this.availability;
  }

  async start(target: Target): Promise<SensorSession> {
    if (target.mode === 'host') {
      throw new SensorError(
        'the ptrace sensor can only observe commands it starts',
        'use --sensor ebpf for host-wide monitoring',
      );
    }
    const strace = findStrace(this.opts.stracePath);
    if (strace === undefined) throw new SensorError('strace is not installed', 'apt-get install strace');
    const argv0 = target.argv[0];
    if (argv0 === undefined) throw new SensorError('no command to run');
    try {
      await access(resolvePath(target.cwd, argv0), fsConstants.X_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'not executable';
      throw new SensorError(`cannot execute ${argv0} (${code})`, 'check the command path and its permissions');
    }
    this.killOnExit ??= supportsKillOnExit(strace);
    const killOnExit = await this.killOnExit;

    const dir = await mkdtemp(join(tmpdir(), 'harrier-ptrace-'));
    const fifo = join(dir, 'trace');
    let session: StraceSession;
    try {
      makeFifo(fifo);
      session = new StraceSession({
        strace,
        dir,
        fifo,
        target,
        args: straceArgs(this.opts, killOnExit, fifo, target),
        stopGraceMs: this.opts.stopGraceMs ?? 2000,
        maxQueuedBatches: this.opts.maxQueuedBatches ?? 64,
      });
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e instanceof SensorError ? e : new SensorError(`cannot set up the strace output FIFO: ${String(e)}`);
    }
    const failure = await session.started(this.opts.startTimeoutMs ?? 5000);
    if (failure !== undefined) {
      await session.stop();
      // Explain with a trial run: strace's own message went to the user's stderr.
      throw (await this.problem()) ?? failure;
    }
    return session;
  }
}

/** strace's command line. Loader variables go through -E so they reach the command, not strace. */
function straceArgs(
  opts: PtraceSensorOptions,
  killOnExit: boolean,
  fifo: string,
  target: Extract<Target, { mode: 'command' }>,
): string[] {
  const args = ['-f', '-q', '-yy', '-v', '-s', String(opts.stringLimit ?? 4096), '--seccomp-bpf'];
  args.push('--timestamps=unix,ns', '-e', `trace=${(opts.syscalls ?? PTRACE_SYSCALLS).join(',')}`);
  if (killOnExit) args.push('--kill-on-exit');
  for (const [k, v] of Object.entries(target.env)) {
    if (k.startsWith('LD_') && v !== undefined) args.push('-E', `${k}=${v}`);
  }
  args.push('-o', fifo, '--', ...target.argv);
  return args;
}

function straceEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('LD_')) out[k] = v;
  return out;
}

interface SessionConfig {
  strace: string;
  dir: string;
  fifo: string;
  target: Extract<Target, { mode: 'command' }>;
  args: string[];
  stopGraceMs: number;
  maxQueuedBatches: number;
}

/** A promise with its settle functions, marked handled so an unobserved rejection is harmless. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

class StraceSession implements SensorSession {
  readonly sensor = 'ptrace' as const;
  readonly rootPid: Promise<number>;
  readonly exit: Promise<ExitStatus>;
  readonly events: EventQueue;

  private readonly root = deferred<number>();
  private readonly exited = deferred<ExitStatus>();
  private readonly finished = deferred<void>();
  private readonly straceExited = deferred<void>();
  private readonly parser: StraceParser;
  private readonly child: ChildProcess;
  private readonly reader: Socket;
  private rootTid: number | undefined;
  private rootEnd: RootEnd | undefined;
  private straceStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private spawnError: Error | undefined;
  private streamEnded = false;
  private done = false;
  private stopping: Promise<void> | undefined;
  private stopped = false;
  private readonly onProcessExit = (): void => this.emergencyCleanup();

  constructor(private readonly cfg: SessionConfig) {
    this.rootPid = this.root.promise;
    this.exit = this.exited.promise;
    this.parser = new StraceParser({
      resolveTgid: readTgid,
      onRoot: (tid) => {
        this.rootTid = tid;
        this.root.resolve(tid);
      },
      onRootEnd: (end) => {
        this.rootEnd = end;
      },
    });

    // Non-blocking: returns at once even though strace has not opened the write end yet.
    this.reader = openFifoReader(cfg.fifo);
    this.events = new EventQueue(
      (pause) => {
        if (pause) this.reader.pause();
        else this.reader.resume();
      },
      cfg.maxQueuedBatches,
      Math.max(1, cfg.maxQueuedBatches >> 2),
    );
    this.reader.on('data', (chunk: Buffer) => {
      const out: Event[] = [];
      this.parser.feed(chunk, out);
      this.events.push(out);
    });
    this.reader.on('end', () => this.onStreamEnd());
    this.reader.on('close', () => this.onStreamEnd());
    this.reader.on('error', () => this.onStreamEnd());

    this.child = spawn(cfg.strace, cfg.args, {
      cwd: cfg.target.cwd,
      env: straceEnv(cfg.target.env),
      stdio: 'inherit',
    });
    this.child.on('error', (err) => {
      this.spawnError = err;
      this.onStraceExit(null, null);
    });
    this.child.on('exit', (code, signal) => this.onStraceExit(code, signal));
    process.on('exit', this.onProcessExit);
  }

  /**
   * Waits until the command's first traced call is read, strace ends, or `timeoutMs` passes.
   * Returns an error when strace ended without tracing anything.
   */
  async started(timeoutMs: number): Promise<SensorError | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((res) => {
      timer = setTimeout(res, timeoutMs);
    });
    await Promise.race([
      this.root.promise.then(
        () => undefined,
        () => undefined,
      ),
      this.straceExited.promise,
      timeout,
    ]);
    clearTimeout(timer);
    if (this.rootTid !== undefined || this.straceStatus === undefined) return undefined;
    // strace ended; give the stream a moment to deliver a first line that may still be in the FIFO.
    await Promise.race([this.finished.promise, sleepUnref(200)]);
    if (this.rootTid !== undefined) return undefined;
    if (this.spawnError !== undefined) {
      return new SensorError(`cannot start strace: ${this.spawnError.message}`, 'apt-get install strace');
    }
    const s = this.straceStatus;
    return new SensorError(
      `strace exited (${s.signal ?? `status ${s.code ?? '?'}`}) before the command started`,
      "see strace's message above",
    );
  }

  stats(): SensorStats {
    const c = this.parser.counters;
    return { events: c.events, drops: 0, truncations: c.truncations, parseErrors: c.parseErrors };
  }

  signal(sig: NodeJS.Signals): void {
    const send = (pid: number): void => {
      if (this.rootEnd !== undefined || this.done) return;
      try {
        process.kill(pid, sig);
      } catch {
        // The command already ended.
      }
    };
    if (this.rootTid !== undefined) send(this.rootTid);
    else void this.root.promise.then(send, () => undefined);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    // The consumer may not read any more: drain without backpressure so the stream can end.
    this.events.unbound();
    if (this.straceStatus === undefined && this.child.pid !== undefined) {
      killTracees(this.child.pid);
      if (!(await this.waitStrace(this.cfg.stopGraceMs))) {
        killTracees(this.child.pid);
        this.child.kill('SIGTERM');
        if (!(await this.waitStrace(this.cfg.stopGraceMs))) {
          this.child.kill('SIGKILL');
          await this.straceExited.promise;
        }
      }
    }
    this.unblockReader();
    const ended = await Promise.race([
      this.finished.promise.then(() => true),
      sleepUnref(this.cfg.stopGraceMs).then(() => false),
    ]);
    if (!ended) {
      this.reader.destroy();
      this.onStreamEnd();
    }
    await this.finished.promise;
  }

  private waitStrace(ms: number): Promise<boolean> {
    return Promise.race([this.straceExited.promise.then(() => true), sleepUnref(ms).then(() => false)]);
  }

  private onStraceExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.straceStatus !== undefined) return;
    this.straceStatus = { code, signal };
    this.straceExited.resolve();
    this.unblockReader();
    this.maybeFinish();
  }

  /**
   * Makes sure the reader sees end-of-file once strace is gone: if strace never opened the
   * FIFO, no writer ever closes it, so open and close a write end here. With strace's data
   * still buffered, the reader gets that data first, then EOF.
   */
  private unblockReader(): void {
    if (this.streamEnded) return;
    try {
      closeSync(openSync(this.cfg.fifo, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK));
    } catch {
      // ENXIO: the reader is already closed; ENOENT: cleaned up. Either way nothing to unblock.
    }
  }

  private onStreamEnd(): void {
    if (this.streamEnded) return;
    this.streamEnded = true;
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.done || !this.streamEnded || this.straceStatus === undefined) return;
    this.done = true;
    process.removeListener('exit', this.onProcessExit);
    const last: Event[] = [];
    this.parser.end(last);
    this.events.push(last);
    this.events.end();
    this.reader.destroy();

    if (this.rootTid === undefined) {
      this.root.reject(new SensorError('strace ended before the command started'));
    }
    const end = this.rootEnd;
    if (end !== undefined) {
      this.exited.resolve(
        end.kind === 'exited'
          ? { kind: 'exited', code: end.code }
          : { kind: 'killed', signal: end.signal, signo: SIGNAL_NUMBERS[end.signal] ?? 0 },
      );
    } else {
      const s = this.straceStatus;
      const how = this.spawnError?.message ?? s.signal ?? `status ${s.code ?? '?'}`;
      this.exited.reject(
        new SensorError(
          this.stopped
            ? 'observation stopped before the command ended'
            : `strace ended (${how}) before reporting how the command ended`,
          this.stopped ? undefined : "see strace's message above",
        ),
      );
    }
    void rm(this.cfg.dir, { recursive: true, force: true }).finally(() => this.finished.resolve());
  }

  /** Harrier is exiting with the session still running: leave no tracer or tracee behind. */
  private emergencyCleanup(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.straceStatus !== undefined) return;
    killTracees(pid);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    rmSync(this.cfg.dir, { recursive: true, force: true });
  }
}

/** A grace-period timer that does not keep Harrier alive once everything else is done. */
function sleepUnref(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms).unref());
}
