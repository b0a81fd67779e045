/**
 * Falco priorities: rules may spell them in any case (`WARNING`, `warning`, `INFO`); alerts
 * always carry the capitalised long form (`Warning`, `Informational`).
 */

export const PRIORITIES = [
  'Emergency',
  'Alert',
  'Critical',
  'Error',
  'Warning',
  'Notice',
  'Informational',
  'Debug',
] as const;

export type Priority = (typeof PRIORITIES)[number];

const BY_NAME: ReadonlyMap<string, Priority> = new Map<string, Priority>([
  ...PRIORITIES.map((p): [string, Priority] => [p.toLowerCase(), p]),
  ['info', 'Informational'],
]);

/** The alert spelling of a rule's priority, or undefined when it is not one. */
export const priorityName = (text: string): Priority | undefined => BY_NAME.get(text.trim().toLowerCase());

/** 0 for Emergency … 7 for Debug (syslog severities, and Falco's priority order). */
export const severityOf = (p: Priority): number => PRIORITIES.indexOf(p);
