/**
 * From rules files to runnable rules: load (YAML, overrides, exceptions) → parse every macro
 * once → compile each enabled rule's condition and output against the field registry. Every
 * problem is a diagnostic at the file:line:col of the text that caused it, including text that
 * came from a macro the rule uses.
 */
import { type Expr, ConditionCompileError, ConditionError, parseCondition } from '../../rules/condition/index.js';
import { compileCondition, referencedEventTypes, SharedMacros, type Predicate } from '../../rules/compile/index.js';
import { fieldRegistry } from '../../rules/fields/index.js';
import type { FieldRegistry } from '../../rules/fields/index.js';
import {
  type Diagnostic,
  type LoadResult,
  type LoadedRule,
  type SourcePos,
  type TextSpan,
  loadRulesFiles,
  noEvttypeWarning,
  positionInText,
} from '../../rules/loader/index.js';
import {
  compileOutput,
  type CompiledOutput,
  OutputFormatError,
  priorityName,
  type Priority,
} from '../../rules/output/index.js';

/** Loader diagnostics plus the compiler's own codes (named as Falco names them). */
export type RulesDiagnostic = Omit<Diagnostic, 'code'> & {
  code: Diagnostic['code'] | 'LOAD_ERR_COMPILE_CONDITION' | 'LOAD_ERR_COMPILE_OUTPUT' | 'LOAD_COMPILE_CONDITION';
  /** The rule or macro the diagnostic is about. */
  item?: string;
};

export interface CompiledRule {
  name: string;
  desc: string;
  priority: Priority;
  tags: string[];
  source: string;
  predicate: Predicate;
  output: CompiledOutput;
  /** The event types the condition can match; undefined when it can match any. */
  eventTypes: ReadonlySet<string> | undefined;
  loaded: LoadedRule;
}

export interface CompiledRuleset {
  /** Enabled rules that compiled, in definition order. */
  rules: CompiledRule[];
  /** Every rule in the files, enabled or not, for listings. */
  all: LoadedRule[];
  errors: RulesDiagnostic[];
  warnings: RulesDiagnostic[];
  files: string[];
}

export function formatRulesDiagnostic(d: RulesDiagnostic): string {
  const head = `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`;
  return d.snippet === undefined ? head : `${head}\n  ${d.snippet}`;
}

interface TextSource {
  spans: readonly TextSpan[];
  pos: SourcePos;
}

function locate(
  err: ConditionError,
  ruleText: TextSource,
  macroText: (name: string) => TextSource | undefined,
): SourcePos {
  // Offsets of an error inside an expanded macro are relative to that macro's own text.
  const chain = err instanceof ConditionCompileError ? err.macroChain : [];
  const inner = chain.length > 0 ? macroText(chain[chain.length - 1] as string) : undefined;
  const src = inner ?? ruleText;
  return positionInText(src.spans, err.offset, src.pos);
}

function diag(
  severity: 'error' | 'warning',
  code: RulesDiagnostic['code'],
  message: string,
  pos: SourcePos,
  item: string,
): RulesDiagnostic {
  return { severity, code, message, file: pos.file, line: pos.line, col: pos.col, item };
}

export function compileRuleset(load: LoadResult, registry: FieldRegistry = fieldRegistry): CompiledRuleset {
  const errors: RulesDiagnostic[] = [...load.errors];
  const warnings: RulesDiagnostic[] = [...load.warnings];
  const lists = new Map<string, string[]>([...load.lists].map(([name, l]) => [name, l.items]));

  const macros = new Map<string, Expr>();
  for (const [name, m] of load.macros) {
    try {
      macros.set(name, parseCondition(m.condition));
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      const pos = positionInText(m.conditionSpans, e.offset, m.conditionPos);
      errors.push(diag('error', 'LOAD_ERR_COMPILE_CONDITION', `macro '${name}': ${e.message}`, pos, name));
    }
  }
  const macroText = (name: string): TextSource | undefined => {
    const m = load.macros.get(name);
    return m && { spans: m.conditionSpans, pos: m.conditionPos };
  };

  const sharedMacros = new SharedMacros();
  const rules: CompiledRule[] = [];
  for (const rule of load.rules) {
    if (!rule.enabled) continue;
    const ruleText = { spans: rule.conditionSpans, pos: rule.conditionPos };
    let ast: Expr;
    let predicate: Predicate;
    try {
      ast = parseCondition(rule.condition);
      // The engine only shows a rule the event types its condition can match, so the
      // condition's own evt.type tests can be settled now (they are most of a rule's work).
      const eventTypes = referencedEventTypes(ast, { macros, lists });
      const compiled = compileCondition(ast, { registry, macros, lists, eventTypes, sharedMacros });
      predicate = compiled.predicate;
      for (const w of compiled.warnings) {
        const src =
          (w.macroChain.length > 0 ? macroText(w.macroChain[w.macroChain.length - 1] as string) : undefined) ??
          ruleText;
        const pos = positionInText(src.spans, w.pos.offset, src.pos);
        warnings.push(diag('warning', 'LOAD_COMPILE_CONDITION', `rule '${rule.name}': ${w.message}`, pos, rule.name));
      }
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      const pos = locate(e, ruleText, macroText);
      const unknownField = e instanceof ConditionCompileError && e.code === 'unknown-field';
      if (unknownField && rule.skipIfUnknownFilter) {
        warnings.push(
          diag('warning', 'LOAD_COMPILE_CONDITION', `rule '${rule.name}' skipped: ${e.message}`, pos, rule.name),
        );
      } else {
        errors.push(diag('error', 'LOAD_ERR_COMPILE_CONDITION', `rule '${rule.name}': ${e.message}`, pos, rule.name));
      }
      continue;
    }
    let output: CompiledOutput;
    try {
      output = compileOutput(rule.output, registry);
    } catch (e) {
      if (!(e instanceof OutputFormatError)) throw e;
      errors.push(diag('error', 'LOAD_ERR_COMPILE_OUTPUT', `rule '${rule.name}': ${e.message}`, rule.pos, rule.name));
      continue;
    }
    const eventTypes = referencedEventTypes(ast, { macros, lists });
    if (eventTypes === undefined) {
      const w = noEvttypeWarning(rule);
      if (w) warnings.push({ ...w, item: rule.name });
    }
    rules.push({
      name: rule.name,
      desc: rule.desc,
      // The loader has already refused unknown priorities.
      priority: priorityName(rule.priority) ?? 'Debug',
      tags: rule.tags,
      source: rule.source,
      predicate,
      output,
      eventTypes,
      loaded: rule,
    });
  }
  return { rules, all: load.rules, errors, warnings, files: [] };
}

/** Loads and compiles rules files in order (later files modify earlier ones). */
export async function loadRuleset(files: string[], registry: FieldRegistry = fieldRegistry): Promise<CompiledRuleset> {
  const load = await loadRulesFiles(files);
  return { ...compileRuleset(load, registry), files };
}

/** A rule's event types for listings: sorted, or null when it can match any event type. */
export function referencedEventTypesOf(rule: CompiledRule): string[] | null {
  return rule.eventTypes ? [...rule.eventTypes].sort() : null;
}
