/**
 * Home directory and login shell per uid, from the host's /etc/passwd (user.homedir,
 * user.shell). Read once on first use, like the name lookups in events/users.ts.
 */
import { readFileSync } from 'node:fs';

export interface PasswdEntry {
  home: string;
  shell: string;
}

let entries: Map<number, PasswdEntry> | undefined;

export function parsePasswd(text: string): Map<number, PasswdEntry> {
  const out = new Map<number, PasswdEntry>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    const id = f[2];
    if (id === undefined || !/^\d+$/.test(id) || out.has(Number(id))) continue;
    out.set(Number(id), { home: f[5] ?? '', shell: f[6] ?? '' });
  }
  return out;
}

function load(): Map<number, PasswdEntry> {
  try {
    return parsePasswd(readFileSync('/etc/passwd', 'utf8'));
  } catch {
    return new Map();
  }
}

export function passwdEntry(uid: number): PasswdEntry | undefined {
  entries ??= load();
  return entries.get(uid);
}
