/**
 * `npm run bench -- preload`: what the libc interposer (native/preload) costs the program it is
 * loaded into, as ratios against the same program without it in the same run. The interposer
 * writes to a FIFO that this process reads, as Harrier does. Workloads: rand, strcpy and sprintf
 * in tight loops (one call site each, so every call after the first is a deduplicated hit); the
 * cost of a call site's first report; and a realistic build (`make` of a generated C project,
 * where every gcc, cc1, as and ld process loads the interposer).
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const lib = join(repo, 'native/preload/libharrier_preload.so');

export interface PreloadRow {
  workload: string;
  baseline: number;
  observed: number;
  unit: string;
  ratio: number;
  bytes?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** A FIFO read for the whole benchmark, like Harrier's; counts what arrives. */
class FifoReader {
  readonly path: string;
  bytes = 0;
  private readonly keepOpen: number;
  private readonly socket: Socket;

  constructor(dir: string) {
    this.path = join(dir, 'libc.fifo');
    execFileSync('mkfifo', [this.path]);
    const fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
    // Our own writer end keeps the reader from seeing end-of-file between programs.
    this.keepOpen = openSync(this.path, constants.O_WRONLY | constants.O_NONBLOCK);
    this.socket = new Socket({ fd, readable: true, writable: false });
    this.socket.on('data', (c: Buffer) => (this.bytes += c.length));
  }

  close(): void {
    closeSync(this.keepOpen);
    this.socket.destroy();
  }
}

/** Runs a command to completion (asynchronously, so the FIFO keeps being read); returns stdout and ms. */
function run(argv: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<{ stdout: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const [cmd = '', ...args] = argv;
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${argv.join(' ')} exited ${code}`));
      else resolve({ stdout, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    });
  });
}

function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-bench-make-'));
  mkdirSync(join(dir, 'src'));
  const objs: string[] = [];
  for (let i = 0; i < 24; i++) {
    writeFileSync(
      join(dir, 'src', `m${i}.c`),
      `#include <stdio.h>\n#include <string.h>\nint f${i}(char *b, const char *s) { strcpy(b, s); return sprintf(b + 8, "%d", ${i}); }\n`,
    );
    objs.push(`src/m${i}.o`);
  }
  const calls = Array.from({ length: 24 }, (_, i) => `f${i}(b, "x");`).join(' ');
  const decls = Array.from({ length: 24 }, (_, i) => `int f${i}(char *, const char *);`).join('\n');
  writeFileSync(join(dir, 'src/main.c'), `${decls}\nint main(void) { char b[64]; ${calls} return 0; }\n`);
  writeFileSync(
    join(dir, 'Makefile'),
    `app: ${objs.join(' ')} src/main.o\n\tgcc -o $@ $^\n%.o: %.c\n\tgcc -O2 -c -o $@ $<\nclean:\n\trm -f app src/*.o\n`,
  );
  return dir;
}

export async function benchPreload(reps = 5): Promise<PreloadRow[]> {
  execFileSync('make', ['-s', '-C', join(repo, 'native/preload')], { stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'harrier-bench-preload-'));
  const loop = join(work, 'libc_loop');
  execFileSync('gcc', ['-O2', '-fno-builtin', '-o', loop, join(repo, 'bench/c/libc_loop.c')]);
  const reader = new FifoReader(work);
  const plain: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: 'C' };
  const observed: NodeJS.ProcessEnv = { ...plain, LD_PRELOAD: lib, HARRIER_LIBC_FIFO: reader.path };
  const rows: PreloadRow[] = [];
  try {
    for (const [kind, n] of [
      ['rand', 20_000_000],
      ['strcpy', 20_000_000],
      ['sprintf', 5_000_000],
    ] as const) {
      const base: number[] = [];
      const seen: number[] = [];
      for (let i = 0; i < reps; i++) {
        // Interleaved, so that load from elsewhere on the machine hits both sides alike.
        base.push(Number((await run([loop, kind, String(n)], plain)).stdout));
        seen.push(Number((await run([loop, kind, String(n)], observed)).stdout));
      }
      const b = median(base);
      const o = median(seen);
      rows.push({
        workload: `${kind} loop (after its first report)`,
        baseline: b,
        observed: o,
        unit: 'ns/call',
        ratio: o / b,
      });
    }

    const before = reader.bytes;
    const first: number[] = [];
    const firstBase: number[] = [];
    for (let i = 0; i < reps; i++) {
      firstBase.push(Number((await run([loop, 'first'], plain)).stdout));
      first.push(Number((await run([loop, 'first'], observed)).stdout));
    }
    rows.push({
      workload: 'first report of a call site (1,024 sites)',
      baseline: median(firstBase),
      observed: median(first),
      unit: 'ns/site',
      ratio: median(first) / median(firstBase),
      bytes: Math.round((reader.bytes - before) / reps),
    });

    // Wall time, and CPU time of everything make ran (bash's `times`), which load from elsewhere
    // on the machine disturbs less.
    const project = makeProject();
    const build = async (env: NodeJS.ProcessEnv) => {
      await run(['make', '-s', 'clean'], plain, project);
      const r = await run(['bash', '-c', 'make -s -j1 >/dev/null && times'], env, project);
      const [, children = ''] = r.stdout.trim().split('\n');
      const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((t, m) => t + Number(m[1]) * 60 + Number(m[2]), 0);
      return { wall: r.ms, cpu: cpu * 1000 };
    };
    await build(plain); // warm the page cache
    const base: { wall: number; cpu: number }[] = [];
    const seen: { wall: number; cpu: number }[] = [];
    const bytesBefore = reader.bytes;
    for (let i = 0; i < reps; i++) {
      base.push(await build(plain));
      seen.push(await build(observed));
    }
    const bytes = Math.round((reader.bytes - bytesBefore) / reps);
    for (const key of ['wall', 'cpu'] as const) {
      const b = median(base.map((x) => x[key]));
      const o = median(seen.map((x) => x[key]));
      rows.push({
        workload: `make: 25 C files compiled and linked (${key === 'wall' ? 'wall time' : 'CPU time of all its processes'})`,
        baseline: b,
        observed: o,
        unit: 'ms',
        ratio: o / b,
        bytes,
      });
    }
  } finally {
    reader.close();
  }
  return rows;
}
