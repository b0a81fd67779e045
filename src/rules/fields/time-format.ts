/**
 * Event timestamps as Falco prints them. Harrier renders times in UTC (Falco uses the host's
 * local zone for evt.time): alerts from several hosts then line up without zone guessing.
 */

const NS_PER_S = 1_000_000_000n;

const pad2 = (n: number): string => (n < 10 ? '0' : '') + String(n);

function nanos(ts: bigint): string {
  const ns = Number(ts % NS_PER_S);
  return String(ns).padStart(9, '0');
}

function utc(ts: bigint): Date {
  return new Date(Number(ts / NS_PER_S) * 1000);
}

/** `HH:MM:SS` */
export function timeS(ts: bigint): string {
  const d = utc(ts);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** `HH:MM:SS.nnnnnnnnn` (Falco's evt.time and the alert prefix). */
export const timeNs = (ts: bigint): string => `${timeS(ts)}.${nanos(ts)}`;

/** `YYYY-MM-DD` */
function date(ts: bigint): string {
  const d = utc(ts);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** `YYYY-MM-DD HH:MM:SS` (evt.datetime.s). */
export const dateTimeS = (ts: bigint): string => `${date(ts)} ${timeS(ts)}`;

/** `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` (evt.datetime). */
export const dateTimeNs = (ts: bigint): string => `${dateTimeS(ts)}.${nanos(ts)}`;

/** `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`: evt.time.iso8601 and the JSON alert's `time`. */
export const iso8601Ns = (ts: bigint): string => `${date(ts)}T${timeS(ts)}.${nanos(ts)}Z`;
