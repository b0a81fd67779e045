/**
 * The libc interposer (native/preload) on real programs: C fixtures compiled three ways, run with
 * LD_PRELOAD and HARRIER_LIBC_FIFO, the FIFO read here and its records decoded by a minimal
 * decoder written from PROTOCOL.md (the real one lives in src/sensors/libc/).
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { fixturesDir, repoRoot, tempDir } from '../helpers/harrier.js';

const gcc = spawnSync('gcc', ['--version']).status === 0;
const skip = gcc ? false : 'gcc is not installed: the interposer and its C fixtures cannot be built';
const lib = join(repoRoot, 'native/preload/libharrier_preload.so');

// ---- a minimal decoder (PROTOCOL.md, Records) ----

interface Hello {
  pid: number;
  ppid: number;
  flags: number;
  exe: string;
}
interface ModuleEntry {
  start: bigint;
  end: bigint;
  path: string;
}
interface Modules {
  seq: number;
  pid: number;
  generation: number;
  entries: ModuleEntry[];
}
interface Risk {
  seq: number;
  pid: number;
  riskClass: number;
  generation: number;
  site: bigint;
  fn: string;
  frames: bigint[];
  detail: string;
}
interface Count {
  pid: number;
  site: bigint;
  riskClass: number;
  hits: bigint;
}
interface Records {
  hellos: Hello[];
  modules: Modules[];
  risks: Risk[];
  counts: Count[];
  drops: { pid: number; records: bigint; untracked: bigint }[];
}

function decode(buf: Buffer): Records {
  const out: Records = { hellos: [], modules: [], risks: [], counts: [], drops: [] };
  for (let o = 0, seq = 0; o + 16 <= buf.length; seq++) {
    const len = buf.readUInt16LE(o + 4);
    assert.equal(buf.readUInt16LE(o), 0x4c48, `bad magic at byte ${o}`);
    assert.equal(buf[o + 2], 1, `bad version at byte ${o}`);
    assert.ok(len >= 16 && len <= 4096 && o + len <= buf.length, `bad length ${len} at byte ${o}`);
    const type = buf[o + 3];
    const pid = buf.readUInt32LE(o + 8);
    const b = buf.subarray(o + 16, o + len);
    if (type === 1) {
      const exe = b.subarray(8);
      out.hellos.push({
        pid,
        ppid: b.readUInt32LE(0),
        flags: b.readUInt32LE(4),
        exe: exe.subarray(0, exe.indexOf(0)).toString(),
      });
    } else if (type === 2) {
      const entries: ModuleEntry[] = [];
      for (let i = 0, p = 12; i < b.readUInt16LE(8); i++) {
        const pathLen = b.readUInt16LE(p + 24);
        entries.push({
          start: b.readBigUInt64LE(p),
          end: b.readBigUInt64LE(p + 8),
          path: b.subarray(p + 26, p + 26 + pathLen).toString(),
        });
        p += 26 + pathLen;
      }
      out.modules.push({ seq, pid, generation: b.readUInt32LE(0), entries });
    } else if (type === 3) {
      const n = b.readUInt16LE(2);
      const fn = b.subarray(16, 48);
      const frames = Array.from({ length: n }, (_, i) => b.readBigUInt64LE(56 + 8 * i));
      out.risks.push({
        seq,
        pid,
        riskClass: b.readUInt16LE(0),
        generation: b.readUInt32LE(4),
        site: b.readBigUInt64LE(8),
        fn: fn.subarray(0, fn.indexOf(0)).toString(),
        frames,
        detail: b.subarray(56 + 8 * n, 56 + 8 * n + b.readUInt16LE(48)).toString(),
      });
    } else if (type === 4) {
      for (let i = 0; i < b.readUInt16LE(0); i++) {
        const e = 8 + 24 * i;
        out.counts.push({
          pid,
          site: b.readBigUInt64LE(e),
          riskClass: b.readUInt16LE(e + 8),
          hits: b.readBigUInt64LE(e + 16),
        });
      }
    } else if (type === 5) {
      out.drops.push({ pid, records: b.readBigUInt64LE(0), untracked: b.readBigUInt64LE(8) });
    } else {
      assert.fail(`unknown record type ${type}`);
    }
    o += len;
  }
  return out;
}

// ---- running programs ----

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  pid: number;
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, pid: child.pid ?? -1 });
    });
  });
}

/** A minimal environment: no secret-looking names of the caller's leak into the fixtures. */
const plainEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' });

let fifoCount = 0;

/** Runs BIN with the interposer, reading the FIFO as Harrier does, and decodes what arrived. */
async function runObserved(
  dir: string,
  bin: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Run & { records: Records }> {
  const fifo = join(dir, `libc-${fifoCount++}.fifo`);
  execFileSync('mkfifo', [fifo]);
  const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  // Our own writer end: without it the reader sees end-of-file before the program opens the FIFO.
  const keepOpen = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  const socket = new Socket({ fd: readFd, readable: true, writable: false });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => socket.on('end', () => resolve()));
  const r = await run(bin, args, { ...plainEnv(), LD_PRELOAD: lib, HARRIER_LIBC_FIFO: fifo, ...extraEnv });
  closeSync(keepOpen);
  await ended;
  socket.destroy();
  return { ...r, records: decode(Buffer.concat(chunks)) };
}

function compile(dir: string, name: string, flags: string[], tag: string): string {
  const out = join(dir, `${name}-${tag}`);
  // The linker's warnings about gets and mktemp are the point of these fixtures: keep them quiet.
  execFileSync('gcc', [...flags, '-pthread', '-w', '-o', out, join(fixturesDir, 'preload', `${name}.c`)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}

const builds = [
  { tag: 'O0', flags: ['-O0', '-fno-builtin', '-g'], fortify: false },
  { tag: 'fortify', flags: ['-O2', '-D_FORTIFY_SOURCE=2', '-g'], fortify: true },
  { tag: 'omitfp', flags: ['-O2', '-fomit-frame-pointer', '-g'], fortify: false },
];

const classOf: Record<string, number> = {
  strcpy: 1,
  __strcpy_chk: 1,
  stpcpy: 1,
  __stpcpy_chk: 1,
  strcat: 1,
  sprintf: 1,
  __sprintf_chk: 1,
  gets: 2,
  printf: 3,
  __printf_chk: 3,
  rand: 4,
  srand: 4,
  system: 5,
  execl: 5,
  fork: 6,
  mktemp: 7,
  ioctl: 8,
};

function moduleOf(records: Records, pid: number, generation: number, addr: bigint): ModuleEntry | undefined {
  return records.modules
    .filter((m) => m.pid === pid && m.generation === generation)
    .flatMap((m) => m.entries)
    .find((e) => addr >= e.start && addr < e.end);
}

describe('libc interposer (native/preload)', { skip }, () => {
  let dir = '';
  before(() => {
    execFileSync('make', ['-s', '-C', join(repoRoot, 'native/preload')], { stdio: 'inherit' });
    dir = tempDir('harrier-preload-');
  });

  for (const build of builds) {
    test(`reports each risky call site once, with counts and modules (${build.flags.join(' ')})`, async () => {
      const bin = compile(dir, 'risky', build.flags, build.tag);
      const hits = 37;
      const baseline = await run(bin, [String(hits)], plainEnv());
      const r = await runObserved(dir, bin, [String(hits)], { GITHUB_TOKEN: 'not-a-real-token' });
      assert.equal(r.stdout, baseline.stdout);
      assert.equal(r.code, 7);
      const { hellos, risks, counts } = r.records;

      // HELLO: one per exec'd process: the fixture, the shell system() runs, the shell execl() runs.
      assert.deepEqual(
        hellos.filter((h) => h.pid === r.pid),
        [{ pid: r.pid, ppid: process.pid, flags: 1, exe: bin }],
      );
      const shells = hellos.filter((h) => h.pid !== r.pid);
      assert.equal(shells.length, 2, JSON.stringify(hellos));
      for (const h of shells) assert.match(h.exe, /\/(dash|bash|sh)$/);
      assert.equal(new Set(hellos.map((h) => h.pid)).size, hellos.length, 'one HELLO per process');

      // RISK: one per (process, site, class), with the class the function belongs to.
      const mine = risks.filter((k) => k.pid === r.pid);
      const keys = mine.map((k) => `${k.site}/${k.riskClass}`);
      assert.equal(new Set(keys).size, keys.length, 'a site reported twice');
      for (const k of mine) {
        assert.equal(k.riskClass, classOf[k.fn], `${k.fn} reported as class ${k.riskClass}`);
        assert.equal(k.frames[0], k.site, 'frame 0 is the call site');
        const m = moduleOf(r.records, r.pid, k.generation, k.site);
        assert.equal(m?.path, bin, `call site of ${k.fn} not in the fixture's MODULES`);
      }
      const copyName = build.fortify ? '__strcpy_chk' : 'strcpy';
      const expected = build.fortify
        ? ['__strcpy_chk', '__stpcpy_chk', '__sprintf_chk', '__printf_chk']
        : ['strcpy', 'stpcpy', 'sprintf', 'printf'];
      const names = new Set(mine.map((k) => k.fn));
      for (const fn of [...expected, 'srand', 'rand', 'mktemp', 'ioctl', 'gets', 'system'])
        assert.ok(names.has(fn), `no RISK for ${fn}: got ${[...names].join(', ')}`);
      assert.equal(mine.find((k) => k.riskClass === 3)?.detail, 'value %d\n');
      assert.equal(mine.find((k) => k.fn === 'system')?.detail, 'echo from-shell');
      assert.equal(mine.find((k) => k.fn === 'ioctl')?.detail, '0x5412');

      // COUNTS: the strcpy and rand sites were hit `hits` times.
      const total = (fn: string) => {
        const sites = mine.filter((k) => k.fn === fn).map((k) => k.site);
        return counts.filter((c) => c.pid === r.pid && sites.includes(c.site)).map((c) => c.hits);
      };
      assert.ok(total(copyName).includes(BigInt(hits)), `strcpy totals ${total(copyName).join(',')}`);
      assert.deepEqual(total('rand'), [BigInt(hits)]);

      // At -O0 the frame-pointer chain gives the caller too: copy_many's call site in main.
      if (build.tag === 'O0') {
        const copy = mine.find(
          (k) => k.fn === 'strcpy' && counts.some((c) => c.site === k.site && c.hits === BigInt(hits)),
        );
        assert.ok(copy && copy.frames.length >= 2, 'strcpy has no caller frame at -O0');
        assert.equal(moduleOf(r.records, r.pid, copy.generation, copy.frames[1] ?? 0n)?.path, bin);
      }

      // Children: the fork child that exits without exec while GITHUB_TOKEN is set; the exec of sh -c.
      const forked = risks.find((k) => k.riskClass === 6);
      assert.ok(forked && forked.pid !== r.pid, 'no fork-with-secrets RISK from the child');
      assert.equal(forked.fn, 'fork');
      assert.equal(forked.detail, 'env:GITHUB_TOKEN');
      assert.equal(moduleOf(r.records, forked.pid, forked.generation, forked.site)?.path, bin);
      const exec = risks.find((k) => k.fn === 'execl');
      assert.ok(exec && exec.pid !== r.pid, 'no execl RISK from the child');
      assert.equal(exec.riskClass, 5);
      assert.equal(exec.detail, 'exit 3');
      assert.deepEqual(r.records.drops, []);
    });
  }

  test('8 threads calling risky functions while forking: no deadlock, same output, exact totals', async () => {
    const bin = compile(dir, 'threads_fork', ['-O2', '-g'], 'O2');
    const baseline = await run(bin, [], plainEnv());
    const r = await runObserved(dir, bin, []);
    assert.equal(r.signal, null, 'killed: the interposer deadlocked');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, baseline.stdout);
    assert.match(r.stdout, /thread 0 sum \d+ children 20\n/);
    const parent = r.records.risks.filter((k) => k.pid === r.pid);
    assert.deepEqual(parent.map((k) => k.fn).sort(), ['rand_r', 'sprintf', 'strcpy']);
    for (const k of parent) {
      const c = r.records.counts.filter((x) => x.pid === r.pid && x.site === k.site && x.riskClass === k.riskClass);
      assert.deepEqual(
        c.map((x) => x.hits),
        [8n * 20000n],
        `${k.fn} total`,
      );
    }
    const childPids = new Set(r.records.risks.filter((k) => k.pid !== r.pid).map((k) => k.pid));
    assert.equal(childPids.size, 40, 'each of the 40 children reports its own first call');
  });

  test('risky calls inside a signal handler: no deadlock, same output', async () => {
    const bin = compile(dir, 'signal', ['-O2', '-g'], 'O2');
    const baseline = await run(bin, [], plainEnv());
    const r = await runObserved(dir, bin, []);
    assert.equal(r.signal, null, 'killed: the interposer deadlocked');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, baseline.stdout);
    // 64 strcpy sites in the loop and one in the handler (unless every tick landed in the interposer).
    const strcpySites = r.records.risks.filter((k) => k.fn === 'strcpy');
    assert.ok(strcpySites.length >= 64, `${strcpySites.length} strcpy sites`);
  });

  test('vfork: a child that execs sh -c and one that exits without exec, the parent intact', async () => {
    const bin = compile(dir, 'vfork', ['-O2', '-g'], 'O2');
    const baseline = await run(bin, [], plainEnv());
    const r = await runObserved(dir, bin, [], { GITHUB_TOKEN: 'not-a-real-token' });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, baseline.stdout);
    assert.equal(r.stdout, 'exec child 4\nexit child 5, parent intact\n');
    const exec = r.records.risks.find((k) => k.fn === 'execl');
    const exited = r.records.risks.find((k) => k.riskClass === 6);
    assert.ok(exec && exited, 'missing RISK from a vfork child');
    assert.equal(exec.detail, 'exit 4');
    assert.equal(exited.fn, 'vfork');
    assert.equal(exited.detail, 'env:GITHUB_TOKEN');
    for (const k of [exec, exited]) {
      assert.notEqual(k.pid, r.pid, `${k.fn} RISK should carry the child's pid`);
      assert.equal(moduleOf(r.records, k.pid, k.generation, k.site)?.path, bin);
    }
  });

  test('dlopen: a new MODULES generation holding the library precedes its first RISK', async () => {
    const bin = compile(dir, 'dlopen_main', ['-O2', '-g'], 'O2');
    const plugin = join(dir, 'libplugin.so');
    execFileSync('gcc', ['-O2', '-g', '-shared', '-fPIC', '-o', plugin, join(fixturesDir, 'preload', 'dlopen_lib.c')]);
    const r = await runObserved(dir, bin, [plugin]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'plugin 6\n');
    const [inMain, inPlugin] = r.records.risks.filter((k) => k.pid === r.pid);
    assert.ok(inMain && inPlugin, 'expected a RISK from main and one from the plugin');
    assert.equal(moduleOf(r.records, r.pid, inMain.generation, inMain.site)?.path, bin);
    assert.ok(inPlugin.generation > inMain.generation, 'no new generation after dlopen');
    assert.equal(moduleOf(r.records, r.pid, inPlugin.generation, inPlugin.site)?.path, plugin);
    const announced = r.records.modules.filter((m) => m.pid === r.pid && m.generation === inPlugin.generation);
    assert.ok(announced.length > 0 && announced.every((m) => m.seq < inPlugin.seq), 'MODULES after the RISK');
  });

  test('a full site table: untracked calls are counted in DROPS, never reported', async () => {
    const small = join(dir, 'libharrier_preload_small.so');
    execFileSync('make', ['-s', '-C', join(repoRoot, 'native/preload'), `LIB=${small}`, 'CFLAGS=-O2 -DHP_SITES=64'], {
      stdio: 'inherit',
    });
    const bin = compile(dir, 'many_sites', ['-O1', '-g'], 'O1');
    const r = await runObserved(dir, bin, [], { LD_PRELOAD: small });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'many\n');
    const reported = r.records.risks.filter((k) => k.fn === 'strcpy').length;
    assert.equal(reported, 64, 'a table of 64 entries tracks 64 sites');
    assert.deepEqual(r.records.drops, [{ pid: r.pid, records: 0n, untracked: BigInt(256 - reported) }]);
  });

  test('unset variable, missing FIFO, FIFO without a reader, a regular file: silent, same output', async () => {
    const bin = compile(dir, 'risky', ['-O2', '-g'], 'silent');
    const baseline = await run(bin, ['5'], plainEnv());
    const noReader = join(dir, 'unread.fifo');
    execFileSync('mkfifo', [noReader]);
    const regular = join(dir, 'regular-file');
    writeFileSync(regular, '');
    for (const fifo of [undefined, join(dir, 'absent.fifo'), noReader, regular]) {
      const env: NodeJS.ProcessEnv = { ...plainEnv(), LD_PRELOAD: lib };
      if (fifo !== undefined) env.HARRIER_LIBC_FIFO = fifo;
      const r = await run(bin, ['5'], env);
      assert.equal(r.stdout, baseline.stdout, `output differs with HARRIER_LIBC_FIFO=${fifo}`);
      assert.equal(r.code, baseline.code);
    }
    assert.equal(readFileSync(regular, 'utf8'), '', 'records written into a regular file');
    assert.equal(existsSync(join(dir, 'absent.fifo')), false);
  });

  test('a program that closes every descriptor never gets records in the file it opens next', async () => {
    const bin = compile(dir, 'closefds', ['-O2', '-g'], 'O2');
    const file = join(dir, 'program-output.txt');
    const r = await runObserved(dir, bin, [file]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'file [ok\n] first\n');
    assert.equal(readFileSync(file, 'utf8'), 'ok\n');
    // The second strcpy, made after the close-all, still reached the FIFO (reopened).
    assert.equal(r.records.risks.filter((k) => k.pid === r.pid && k.fn === 'strcpy').length, 2);
  });
});
