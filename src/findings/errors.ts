/**
 * A problem with findings input the user can fix: a baseline file that is not a Harrier report,
 * an ignore file with a bad entry, an unknown `--fail-on` value. The message says what is wrong
 * and where; `hint` says how to fix it. The CLI prints both and exits 2, never a stack.
 */
export class FindingsError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'FindingsError';
  }
}
