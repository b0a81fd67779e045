/**
 * Loader diagnostics. Codes follow the names Falco uses in its load results, so users who know
 * Falco's messages recognise them; every diagnostic carries the file:line:col it is about.
 */
export type DiagnosticSeverity = 'error' | 'warning';

export type ErrorCode = 'LOAD_ERR_YAML_PARSE' | 'LOAD_ERR_YAML_VALIDATE' | 'LOAD_ERR_VALIDATE' | 'LOAD_ERR_VERSION';

export type WarningCode =
  | 'LOAD_UNKNOWN_ITEM'
  | 'LOAD_UNKNOWN_KEY'
  | 'LOAD_DUPLICATE_KEY'
  | 'LOAD_UNUSED_MACRO'
  | 'LOAD_UNUSED_LIST'
  | 'LOAD_NO_EVTTYPE'
  | 'LOAD_APPEND_NO_VALUES'
  | 'LOAD_IGNORED_KEY'
  | 'LOAD_DEPRECATED_ITEM'
  | 'LOAD_UNKNOWN_SOURCE'
  | 'LOAD_INVALID_MACRO_NAME'
  | 'LOAD_INVALID_LIST_NAME'
  | 'LOAD_EXCEPTION_NAME_NOT_UNIQUE';

export type DiagnosticCode = ErrorCode | WarningCode;

export interface Diagnostic {
  severity: DiagnosticSeverity;
  code: DiagnosticCode;
  message: string;
  file: string;
  line: number;
  col: number;
  /** The source line the position is on, to show under the message. */
  snippet?: string;
}

/** `file:line:col: severity: message [CODE]`, the form compilers and editors understand. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`;
  return d.snippet === undefined ? head : `${head}\n  ${d.snippet}`;
}
