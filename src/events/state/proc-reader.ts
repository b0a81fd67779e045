/**
 * Snapshots of processes that existed before observation began, read from /proc. Every read may
 * fail because the process exits meanwhile (or hides its details from us); a vanished process
 * yields undefined, an unreadable detail its empty default.
 */
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { decodeOpenFlags } from '../syscalls/open-flags.js';
import { describeFd } from './fd-describe.js';
import { socketName } from './fd-info.js';
import { basename } from './paths.js';
import { type NetIndex, readNetIndex } from './proc-net.js';
import { processFromPartial } from './process-info.js';
import type { FdInfo, ProcessInfo } from './types.js';

/** USER_HZ: the unit of /proc/PID/stat's times; 100 on every Linux architecture Harrier runs on. */
const CLK_TCK = 100n;
const NS_PER_S = 1_000_000_000n;
const O_CLOEXEC = 0o2000000;
/** comm is the executable's name cut to TASK_COMM_LEN - 1 characters. */
const COMM_LEN = 15;

const tryText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const tryLink = (path: string): string | undefined => {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
};

const tryDir = (path: string): string[] => {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
};

const nulList = (text: string | undefined): string[] | undefined => {
  if (text === undefined) return undefined;
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
};

export class ProcReader {
  private bootNs: bigint | undefined;
  /** Socket tables per network namespace (keyed by the namespace link, `net:[4026531840]`). */
  private readonly nets = new Map<string, NetIndex>();

  constructor(private readonly procRoot = '/proc') {}

  listPids(): number[] {
    const out: number[] = [];
    for (const name of tryDir(this.procRoot)) if (/^\d+$/.test(name)) out.push(Number(name));
    return out;
  }

  /** The thread group a pid or tid belongs to (undefined when it is gone). */
  tgidOf(id: number): number | undefined {
    const m = /^Tgid:\s*(\d+)/m.exec(tryText(`${this.procRoot}/${id}/status`) ?? '');
    return m?.[1] === undefined ? undefined : Number(m[1]);
  }

  read(pid: number): ProcessInfo | undefined {
    const dir = `${this.procRoot}/${pid}`;
    const stat = parseStat(tryText(`${dir}/stat`));
    const status = tryText(`${dir}/status`);
    if (stat === undefined || status === undefined) return undefined;
    const [ruid, euid] = idLine(status, 'Uid');
    const [rgid, egid] = idLine(status, 'Gid');
    const argv = nulList(tryText(`${dir}/cmdline`)) ?? [];
    const exePath = tryLink(`${dir}/exe`) ?? '';
    const tids = new Set<number>([pid]);
    for (const t of tryDir(`${dir}/task`)) if (/^\d+$/.test(t)) tids.add(Number(t));
    const p = processFromPartial(
      {
        pid,
        ppid: stat.ppid,
        exe: argv[0] ?? '',
        exePath,
        name: bestName(stat.comm, argv[0], exePath),
        args: argv.slice(1),
        cwd: tryLink(`${dir}/cwd`) ?? '',
        uid: ruid,
        euid,
        gid: rgid,
        egid,
        env: nulList(tryText(`${dir}/environ`)),
        startTs: this.boot() + (stat.startTicks * NS_PER_S) / CLK_TCK,
        tids,
        tty: stat.ttyNr,
        capEffective: capLine(status, 'CapEff'),
        capPermitted: capLine(status, 'CapPrm'),
        loginUid: loginUid(tryText(`${dir}/loginuid`)),
      },
      0n,
    );
    this.readFds(dir, p.fds);
    return p;
  }

  private boot(): bigint {
    if (this.bootNs === undefined) {
      const m = /^btime\s+(\d+)/m.exec(tryText(`${this.procRoot}/stat`) ?? '');
      this.bootNs = m?.[1] === undefined ? 0n : BigInt(m[1]) * NS_PER_S;
    }
    return this.bootNs;
  }

  private readFds(dir: string, fds: Map<number, FdInfo>): void {
    let net: NetIndex | undefined;
    for (const name of tryDir(`${dir}/fd`)) {
      const fd = Number(name);
      const target = tryLink(`${dir}/fd/${name}`);
      if (!Number.isInteger(fd) || target === undefined) continue;
      const info = describeFd(fd, target);
      const flags = /^flags:\s*([0-7]+)/m.exec(tryText(`${dir}/fdinfo/${name}`) ?? '')?.[1];
      if (flags !== undefined) {
        const value = parseInt(flags, 8);
        if ((value & O_CLOEXEC) !== 0) info.cloexec = true;
        if (info.type === 'file') {
          info.flags = decodeOpenFlags(value).names;
          if (isDirectory(`${dir}/fd/${name}`)) info.type = 'directory';
        }
      }
      if (info.type === 'socket') {
        net ??= this.netIndex(dir);
        fillSocket(info, target, net);
      }
      fds.set(fd, info);
    }
  }

  private netIndex(dir: string): NetIndex {
    const ns = tryLink(`${dir}/ns/net`) ?? '';
    let idx = this.nets.get(ns);
    if (idx === undefined) {
      idx = readNetIndex(dir);
      this.nets.set(ns, idx);
    }
    return idx;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function fillSocket(info: FdInfo, target: string, net: NetIndex): void {
  const inode = Number(/^socket:\[(\d+)\]$/.exec(target)?.[1]);
  const entry = net.sockets.get(inode);
  if (entry === undefined) return;
  info.type = entry.type;
  info.l4proto = entry.l4proto;
  info.local = entry.local;
  info.remote = entry.remote;
  if (entry.listening) {
    info.listening = true;
    info.role = 'server';
  } else if (entry.remote !== undefined && entry.local !== undefined && 'port' in entry.local) {
    info.role = net.listeningPorts.has(entry.local.port) ? 'server' : 'client';
  }
  const name = socketName(info);
  if (name !== '') info.name = name;
}

interface Stat {
  comm: string;
  ppid: number;
  /** tty_nr: the controlling terminal's device number, 0 for none. */
  ttyNr: number;
  startTicks: bigint;
}

/** `pid (comm) state ppid …`: comm may contain spaces and parentheses, so split after the last `)`. */
export function parseStat(text: string | undefined): Stat | undefined {
  if (text === undefined) return undefined;
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open === -1 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, tty_nr field 7, starttime field 22.
  const ppid = Number(rest[1]);
  const ttyNr = Number(rest[4]);
  const start = rest[19];
  if (!Number.isInteger(ppid) || start === undefined || !/^\d+$/.test(start)) return undefined;
  return {
    comm: text.slice(open + 1, close),
    ppid,
    ttyNr: Number.isInteger(ttyNr) ? ttyNr : 0,
    startTicks: BigInt(start),
  };
}

/** `CapEff:\t000001fffeffffff`: a hex bit mask; undefined when the line is missing. */
function capLine(status: string, key: 'CapEff' | 'CapPrm'): bigint | undefined {
  const hex = new RegExp(`^${key}:\\s*([0-9a-fA-F]+)`, 'm').exec(status)?.[1];
  return hex === undefined ? undefined : BigInt(`0x${hex}`);
}

/** /proc/PID/loginuid: 4294967295 (unset) is -1, as Falco shows it; unreadable is unknown. */
function loginUid(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+\s*$/.test(text)) return undefined;
  const n = Number(text.trim());
  return n === 4294967295 ? -1 : n;
}

function idLine(status: string, key: 'Uid' | 'Gid'): [number, number] {
  const m = new RegExp(`^${key}:\\s*(\\d+)\\s+(\\d+)`, 'm').exec(status);
  return m?.[1] === undefined || m[2] === undefined ? [-1, -1] : [Number(m[1]), Number(m[2])];
}

/**
 * The untruncated name the kernel's comm was cut from: the basename of argv[0] (a symlink's name,
 * like `httpd`) or of the executable, when comm is its prefix; comm itself otherwise (a process
 * that renamed itself, a kernel thread).
 */
function bestName(comm: string, argv0: string | undefined, exePath: string): string {
  for (const candidate of [
    argv0 !== undefined ? basename(argv0) : '',
    basename(exePath.replace(/ \(deleted\)$/, '')),
  ]) {
    if (candidate === comm) return comm;
    if (comm.length === COMM_LEN && candidate.startsWith(comm)) return candidate;
  }
  return comm;
}
