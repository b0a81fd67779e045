/**
 * Run ids: `r`, the creation time in milliseconds as 9 base-36 digits (fixed width, so ids sort
 * by time as plain strings until the year 5188), then 6 random base-36 digits (2 billion values) so that runs
 * started in the same millisecond on different hosts do not collide. Short enough to type, and
 * a few leading characters usually make a unique prefix.
 */
import { randomInt } from 'node:crypto';

const TIME_DIGITS = 9;
const RANDOM_DIGITS = 6;

export function newRunId(nowMs: number = Date.now()): string {
  const time = Math.floor(nowMs).toString(36).padStart(TIME_DIGITS, '0');
  const random = randomInt(36 ** RANDOM_DIGITS)
    .toString(36)
    .padStart(RANDOM_DIGITS, '0');
  return `r${time}${random}`;
}
