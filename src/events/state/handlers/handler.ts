import type { Event } from '../../event.js';
import type { StateTables } from '../tables.js';
import type { ProcessInfo } from '../types.js';

/** Updates the tables for one event type; `proc` is the event's own (already registered) process. */
export type Handler = (t: StateTables, ev: Event, proc: ProcessInfo) => void;

/** Did the call succeed? (`res` absent means the sensor saw no failure.) */
export const succeeded = (ev: Event): boolean => ev.res === undefined || ev.res >= 0;

/** The new descriptor a call returned, or undefined when it failed or returned none. */
export const newFdOf = (ev: Event): number | undefined => (ev.res !== undefined && ev.res >= 0 ? ev.res : undefined);
