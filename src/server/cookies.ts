/**
 * The one cookie the server sets (the dashboard's session) and reads back. A few lines rather
 * than a cookie library: the server reads one name from one header and writes one cookie.
 */

/** The value of cookie `name` in a Cookie header, or undefined (the first one wins, as browsers send the most specific first). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

export interface CookieOptions {
  /** Seconds; 0 tells the browser to forget the cookie now. */
  maxAgeSeconds: number;
  /** Only over TLS: set when the request came over HTTPS, so a plain-HTTP serve still works. */
  secure: boolean;
}

/**
 * A Set-Cookie value that scripts cannot read (HttpOnly) and that no other site can make the
 * browser send (SameSite=Strict). `value` must be a cookie-safe token (the session id is hex).
 */
export function sessionCookie(name: string, value: string, opts: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${opts.maxAgeSeconds}`];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
