/**
 * Event arguments as text, the way evt.arg.NAME and evt.args show them in Falco: flags as
 * `O_RDONLY|O_CLOEXEC`, addresses as `1.2.3.4:80`, descriptors as `3(<f>/etc/passwd)`.
 */
import { type ArgValue, formatSockAddr, isFdRef, isFlagSet, isSockAddr } from '../../events/event.js';

export function argText(v: ArgValue | undefined): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return undefined;
    default:
      break;
  }
  if (v === null) return undefined;
  if (Array.isArray(v)) return v.join(' ');
  if (isFlagSet(v)) return v.names.join('|');
  if (isSockAddr(v)) return formatSockAddr(v);
  if (isFdRef(v)) return v.path === undefined || v.path === '' ? String(v.fd) : `${v.fd}(${v.path})`;
  return undefined;
}

/** The raw numeric value of an argument (evt.rawarg): numbers, flag bits, descriptor numbers. */
export function argRaw(v: ArgValue | undefined): number | bigint | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return v !== '' && Number.isInteger(n) ? n : undefined;
  }
  if (isFlagSet(v)) return v.value;
  if (isFdRef(v)) return v.fd;
  return undefined;
}
