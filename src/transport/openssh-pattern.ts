/** OpenSSH host pattern lists (`match_hostname`): comma lists, `*` and `?` wildcards, `!` negation. */

/** Compiled wildcard patterns; a fleet's files hold few distinct ones, the bound only guards odd inputs. */
const compiledGlobs = new Map<string, RegExp>();
const maxCompiledGlobs = 4096;

/**
 * Glob match with `*` (any run) and `?` (one character), case-insensitive like OpenSSH. Called once per known_hosts
 * entry per host connected: a literal pattern (most entries) is a plain comparison, a wildcard one is compiled once.
 * Compiling a RegExp per call made 1000 hosts against a 1000-line known_hosts cost ~8 s of CPU (known-hosts.bench.ts).
 */
export function matchGlob(text: string, pattern: string): boolean {
  return matchLowered(text.toLowerCase(), pattern);
}

function matchLowered(lowerText: string, pattern: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return lowerText === pattern.toLowerCase();
  let regex = compiledGlobs.get(pattern);
  if (regex === undefined) {
    const source = [...pattern.toLowerCase()]
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${source}$`, 's');
    if (compiledGlobs.size >= maxCompiledGlobs) compiledGlobs.clear();
    compiledGlobs.set(pattern, regex);
  }
  return regex.test(lowerText);
}

/**
 * True when `name` matches the list. A matching negated pattern wins over any positive one,
 * because OpenSSH treats it as a definitive "no".
 */
export function matchHostPatternList(name: string, patterns: readonly string[]): boolean {
  let positive = false;
  const lowerName = name.toLowerCase();
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (pattern === '' || !matchLowered(lowerName, pattern)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}
