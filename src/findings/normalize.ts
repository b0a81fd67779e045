/**
 * Path normalisation for fingerprints: the parts of a path that change from build to build
 * (temporary directories, pids, build numbers, content hashes, ephemeral ports) become `*`, and
 * paths inside the repository become repository-relative, so the same behaviour in the same code
 * names the same place on every CI runner.
 */
import { posix } from 'node:path';

/** Directories whose direct children are per-run scratch directories on CI runners and desktops. */
const TEMP_ROOTS = ['/tmp', '/var/tmp', '/dev/shm', '/run/user', '/home/runner/work/_temp'];

/** Linux's default ephemeral port range (`net.ipv4.ip_local_port_range`): ports chosen per run. */
const EPHEMERAL_PORT_MIN = 32768;

const VOLATILE = '*';

/** The path relative to `repoRoot` (`src/a.c`), or undefined when it lies outside the repository. */
export function repoRelative(path: string, repoRoot: string | undefined): string | undefined {
  if (repoRoot === undefined || repoRoot === '') return undefined;
  if (!path.startsWith('/')) {
    // Debug information may already name files relative to the build directory (the repository).
    const rel = posix.normalize(path);
    return rel === '..' || rel.startsWith('../') ? undefined : rel;
  }
  const root = posix.normalize(repoRoot).replace(/\/+$/, '');
  const p = posix.normalize(path);
  if (root === '') return p.slice(1);
  if (p === root) return '.';
  return p.startsWith(`${root}/`) ? p.slice(root.length + 1) : undefined;
}

/**
 * True for a path component that identifies a run rather than a place: all digits (pids, build
 * numbers), a hex hash or UUID, or a mktemp/mkdtemp name (`tmp.X1y2Z3`, `tmpa8x_3kqz`).
 */
export function isVolatileComponent(c: string): boolean {
  if (/^\d+$/.test(c)) return true;
  if (/^[0-9a-f]{7,}$/i.test(c) && /\d/.test(c) && /[a-f]/i.test(c)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(c)) return true;
  if (/^tmp\.[A-Za-z0-9]{6,}$/.test(c)) return true; // mktemp(1)
  if (/^tmp[a-z0-9_]{8}$/.test(c) && /[\d_]/.test(c.slice(3))) return true; // Python's tempfile
  return false;
}

/**
 * True for a token that looks generated rather than named: six or more letters and digits
 * mixed, or mixed case (`abc123`, `Xk2qPz`). Words (`python`, `release`) are not.
 */
function looksRandom(token: string): boolean {
  if (!/^[A-Za-z0-9]{6,}$/.test(token)) return false;
  const digit = /\d/.test(token);
  const letter = /[A-Za-z]/.test(token);
  return (digit && letter) || (/[a-z]/.test(token) && /[A-Z]/.test(token));
}

/** One component with its run-specific part replaced: `harrier-abc123` → `harrier-*`. */
function normalizeComponent(c: string, underTempRoot: boolean): string {
  if (isVolatileComponent(c)) return VOLATILE;
  // A scratch directory directly under /tmp is per run: a random-looking name there is volatile
  // as a whole, and a `name-XXXXXX` suffix is mkdtemp's whatever it spells (its six characters
  // may happen to be all letters); elsewhere only a random-looking suffix is.
  if (underTempRoot && looksRandom(c)) return VOLATILE;
  const m = /^(.*[-_.])([A-Za-z0-9]{6,})$/.exec(c);
  if (m?.[1] !== undefined && m[2] !== undefined && m[1].length > 1 && (underTempRoot || looksRandom(m[2]))) {
    return `${m[1]}${VOLATILE}`;
  }
  return c;
}

/** Replaces volatile components of a path (absolute or relative) with `*`. */
export function normalizeComponents(path: string): string {
  const abs = path.startsWith('/');
  const parts = posix.normalize(path).split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i] ?? '';
    if (c === '') {
      out.push(c);
      continue;
    }
    const parent = abs ? parts.slice(0, i).join('/') : undefined;
    out.push(normalizeComponent(c, parent !== undefined && TEMP_ROOTS.includes(parent)));
  }
  return out.join('/');
}

// A file's place, stable across builds: repository-relative when inside the repository
// (`src/parse.c`), otherwise the absolute path with volatile components as `*`
// (`/tmp/harrier-abc123/out/1234` → `/tmp/harrier-*/out/*`, `/proc/4242/environ` → `/proc/*/environ`).
export function normalizePath(path: string, repoRoot: string | undefined): string {
  const rel = repoRelative(path, repoRoot);
  return normalizeComponents(rel ?? path);
}

/**
 * The executable as the fingerprint names it: repository-relative when built in the repository
 * (`build/app`), the bare name otherwise (`/usr/bin/python3` → `python3`,
 * `/tmp/tmp.X1y2Z3/prog` → `prog`), since system and tool paths differ between runner images.
 */
export function normalizeExecutable(exePath: string, repoRoot: string | undefined): string {
  if (exePath === '') return '';
  const rel = repoRelative(exePath, repoRoot);
  if (rel !== undefined) return normalizeComponents(rel);
  return normalizeComponent(posix.basename(exePath), false);
}

/**
 * An endpoint as the fingerprint names it. Falco writes a connection as
 * `client:port->server:port`; only the server side identifies the place (the client port is
 * chosen per connection), and a server port in the ephemeral range (a test server bound to port
 * 0) becomes `*`. Unix socket paths are normalised like files.
 */
export function normalizeEndpoint(text: string, repoRoot: string | undefined): string {
  const arrow = text.lastIndexOf('->');
  const server = arrow === -1 ? text : text.slice(arrow + 2);
  if (server.startsWith('/') || server.startsWith('@')) return normalizePath(server, repoRoot);
  const m = /^(.*):(\d+)$/.exec(server);
  if (m === null || m[1] === undefined || m[2] === undefined) return server;
  const port = Number(m[2]);
  return `${m[1]}:${port >= EPHEMERAL_PORT_MIN ? VOLATILE : m[2]}`;
}

/** A file path or an endpoint, whichever the text is. */
export function normalizePlace(text: string, repoRoot: string | undefined): string {
  if (text.startsWith('/') && !text.includes('->')) return normalizePath(text, repoRoot);
  if (/^[^/]*:\d+(->.*)?$/.test(text) || text.includes('->')) return normalizeEndpoint(text, repoRoot);
  return normalizeComponents(text);
}
