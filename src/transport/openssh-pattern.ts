/** OpenSSH host pattern lists (`match_hostname`): comma lists, `*` and `?` wildcards, `!` negation. */

/** Glob match with `*` (any run) and `?` (one character), case-insensitive like OpenSSH. */
export function matchGlob(text: string, pattern: string): boolean {
  const source = [...pattern.toLowerCase()]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(text.toLowerCase());
}

/**
 * True when `name` matches the list. A matching negated pattern wins over any positive one,
 * because OpenSSH treats it as a definitive "no".
 */
export function matchHostPatternList(name: string, patterns: readonly string[]): boolean {
  let positive = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (pattern === '' || !matchGlob(name, pattern)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}
