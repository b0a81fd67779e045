/** Falco-compatible rules as a detector: compile rulesets, evaluate them, emit Falco alerts. */
export { RuleEngine, type RuleEvaluation, type RuleFailure, type RuleMatching } from './engine.js';
export { RulesDetector, type AlertListener, type RuleEvaluationStats } from './detector.js';
export {
  type CompiledRule,
  type CompiledRuleset,
  type RulesDiagnostic,
  compileRuleset,
  formatRulesDiagnostic,
  loadRuleset,
} from './ruleset.js';
export { AlertDeduplicator } from './dedup.js';
