/** The Falco rules-file loader: YAML items → a resolved ruleset with located diagnostics. */
export { loadRulesFiles, loadRulesSources, loadRulesText } from './load.js';
export type { LoadOptions, RulesText } from './load.js';
export type {
  LoadResult,
  LoadedRule,
  LoadedMacro,
  LoadedList,
  RuleException,
  ExceptionValue,
  PluginRequirement,
  SourcePos,
} from './types.js';
export type { Diagnostic, DiagnosticCode, DiagnosticSeverity } from './diagnostics.js';
export { formatDiagnostic } from './diagnostics.js';
export { PRIORITIES, parsePriority } from './priority.js';
export type { Priority } from './priority.js';
export { HARRIER_ENGINE_VERSION } from './engine-version.js';
export { noEvttypeWarning } from './evttype-warning.js';
export { conditionWithExceptions, exceptionClause, quoteValue } from './exception-condition.js';
export { conditionWords } from './references.js';
export { positionAt as positionInText } from './text-spans.js';
export type { TextSpan } from './text-spans.js';
