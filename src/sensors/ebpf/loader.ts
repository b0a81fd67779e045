/**
 * Where the probe's loader lives and whether this machine can run it. Checks are cheap file
 * reads; whether the kernel accepts the program is only known by loading it (start()).
 */
import { existsSync, readFileSync } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BTF_PATH = '/sys/kernel/btf/vmlinux';

/** The package root: the nearest ancestor of this module with Harrier's package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const name: unknown = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
        if (name === 'harrier') return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    const up = dirname(dir);
    if (up === dir) return fileURLToPath(new URL('../../../../', import.meta.url));
    dir = up;
  }
}

export function defaultLoaderPath(): string {
  return join(packageRoot(), 'native/probe/build/harrier-probe');
}

const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;
const CAP_BPF = 39n;

/** Effective capabilities of this process, from /proc (undefined when unreadable). */
function effectiveCaps(): bigint | undefined {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m?.[1] === undefined ? undefined : BigInt(`0x${m[1]}`);
  } catch {
    return undefined;
  }
}

function privileged(): boolean {
  if (process.geteuid?.() === 0) return true;
  const caps = effectiveCaps();
  if (caps === undefined) return false;
  const has = (c: bigint): boolean => ((caps >> c) & 1n) === 1n;
  return (has(CAP_BPF) && has(CAP_PERFMON)) || has(CAP_SYS_ADMIN);
}

export async function loaderUnavailableReason(loaderPath: string): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'the eBPF sensor needs Linux';
  if (process.arch !== 'x64') return `the eBPF probe supports x86_64 only (this is ${process.arch})`;
  if (!privileged()) return 'the eBPF sensor needs root (or CAP_BPF+CAP_PERFMON)';
  try {
    await access(loaderPath, constants.X_OK);
  } catch {
    return `the eBPF probe is not built (${loaderPath}): run \`npm run setup\` to build native/probe`;
  }
  try {
    await access(BTF_PATH, constants.R_OK);
  } catch {
    return `this kernel exposes no BTF (${BTF_PATH}); the eBPF probe needs CONFIG_DEBUG_INFO_BTF=y`;
  }
  return undefined;
}
