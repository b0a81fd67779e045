/** Loading rules for a command: the files given, or Harrier's defaults; errors stop the command. */
import {
  type CompiledRuleset,
  RuleEngine,
  type RuleMatching,
  formatRulesDiagnostic,
  loadRuleset,
} from '../detect/rules/index.js';
import { UsageError } from './errors.js';
import { defaultRulesFiles } from './paths.js';

export async function loadRuleEngine(files: string[] | undefined, matching: RuleMatching): Promise<RuleEngine> {
  return new RuleEngine(await loadCheckedRuleset(files), matching);
}

/** The files given (default: Harrier's), loaded and compiled; any error stops the command with every file:line:col. */
export async function loadCheckedRuleset(files: string[] | undefined): Promise<CompiledRuleset> {
  const paths = files && files.length > 0 ? files : defaultRulesFiles();
  const ruleset = await loadRulesetOrExplain(paths);
  if (ruleset.errors.length > 0) {
    const n = ruleset.errors.length;
    const list = ruleset.errors.map((d) => `  ${formatRulesDiagnostic(d).replace(/\n/g, '\n  ')}`).join('\n');
    throw new UsageError(
      `the rules do not load (${n} error${n === 1 ? '' : 's'}):\n${list}`,
      `check them with: harrier rules validate ${paths.join(' ')}`,
    );
  }
  return ruleset;
}

/** Loads rules files; an unreadable file is the user's to fix, not an internal error. */
export async function loadRulesetOrExplain(paths: string[]): ReturnType<typeof loadRuleset> {
  try {
    return await loadRuleset(paths);
  } catch (e) {
    if (e instanceof Error && /^cannot read rules file/.test(e.message)) {
      throw new UsageError(e.message, 'check the path given to --rules');
    }
    throw e;
  }
}
