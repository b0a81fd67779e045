/**
 * `glob` as fnmatch(3) without flags: `*` and `?` match any characters including '/', `[...]`
 * is a class (`[!...]` or `[^...]` negated), a backslash quotes the next character. Compiled to
 * a RegExp once per constant.
 */
export function globToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i] ?? '');
    else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else re += escapeRegExp(c);
  }
  return new RegExp(`${re}$`, caseInsensitive ? 'si' : 's');
}

/** Index of the ']' closing a class opened at `open`, or -1 (a ']' right after '[' or '[!' is literal). */
function classEnd(p: string, open: number): number {
  let i = open + 1;
  if (p[i] === '!' || p[i] === '^') i++;
  if (p[i] === ']') i++;
  for (; i < p.length; i++) if (p[i] === ']') return i;
  return -1;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
