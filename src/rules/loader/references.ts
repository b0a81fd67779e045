/**
 * Which macros and lists the enabled rules use, found by a conservative scan of condition text
 * (conditions are parsed later, by the compiler). Any word outside quotes that equals a macro or
 * list name counts as a use, so a false "unused" warning is impossible short of a name hidden in
 * a quoted string; a name that is only mentioned by coincidence may be missed as unused.
 */

/** The bare words of a condition: runs of characters that cannot end a word, outside quotes. */
export function conditionWords(condition: string): Set<string> {
  const words = new Set<string>();
  let i = 0;
  const n = condition.length;
  while (i < n) {
    const c = condition[i]!;
    if (c === '"' || c === "'") {
      i++;
      while (i < n && condition[i] !== c) i += condition[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (/[\s(),=<>![\]]/.test(c)) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && !/[\s(),=<>![\]"']/.test(condition[j]!)) j++;
    words.add(condition.slice(i, j));
    i = j;
  }
  return words;
}

export interface Usage {
  macros: Set<string>;
  lists: Set<string>;
}

/**
 * Closes over references: macros used by used macros, lists named in used conditions, and lists
 * named as items of used lists.
 */
export function findUsage(
  conditions: readonly string[],
  macros: ReadonlyMap<string, { condition: string }>,
  lists: ReadonlyMap<string, { items: readonly string[] }>,
): Usage {
  const usage: Usage = { macros: new Set(), lists: new Set() };
  const pendingConds = [...conditions];
  const pendingLists: string[] = [];
  while (pendingConds.length > 0 || pendingLists.length > 0) {
    const cond = pendingConds.pop();
    if (cond !== undefined) {
      for (const w of conditionWords(cond)) {
        const macro = macros.get(w);
        if (macro !== undefined && !usage.macros.has(w)) {
          usage.macros.add(w);
          pendingConds.push(macro.condition);
        }
        if (lists.has(w) && !usage.lists.has(w)) {
          usage.lists.add(w);
          pendingLists.push(w);
        }
      }
      continue;
    }
    const name = pendingLists.pop()!;
    for (const item of lists.get(name)?.items ?? []) {
      if (lists.has(item) && !usage.lists.has(item)) {
        usage.lists.add(item);
        pendingLists.push(item);
      }
    }
  }
  return usage;
}
