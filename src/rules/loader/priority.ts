/** Falco's priorities, most severe first; rule files may spell them in any case. */
export const PRIORITIES = [
  'EMERGENCY',
  'ALERT',
  'CRITICAL',
  'ERROR',
  'WARNING',
  'NOTICE',
  'INFORMATIONAL',
  'DEBUG',
] as const;

export type Priority = (typeof PRIORITIES)[number];

/** Parses a priority; `INFO` is Falco's accepted short form of `INFORMATIONAL`. */
export function parsePriority(text: string): Priority | undefined {
  const upper = text.trim().toUpperCase();
  if (upper === 'INFO') return 'INFORMATIONAL';
  return PRIORITIES.find((p) => p === upper);
}
