/**
 * `required_engine_version`. Falco's own stable rules require engine 0.57.0, so that is the
 * version of the rules language Harrier claims to implement; a file asking for more is refused
 * because it may use syntax or fields we do not know.
 */
export const HARRIER_ENGINE_VERSION = '0.57.0';

export type Semver = [number, number, number];

/**
 * Parses an engine version: a semver `0.57.0`, or a bare integer, which Falco's older rules used
 * for the minor number (`required_engine_version: 10` means 0.10.0).
 */
export function parseEngineVersion(text: string): Semver | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return [0, Number(t), 0];
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(t);
  if (m === null) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function compareSemver(a: Semver, b: Semver): number {
  for (let i = 0; i < 3; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export function formatSemver(v: Semver): string {
  return v.join('.');
}
