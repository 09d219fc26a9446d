/**
 * Ansible host pattern syntax: terms split on `,` (or on `:` when there is no comma), each a name,
 * glob or `~regex`, optionally prefixed by `&` (intersection) or `!` (exclusion) and suffixed by a
 * subscript `[N]` / `[N:M]`. Terms are ordered as Ansible evaluates them: unions, intersections, exclusions.
 */
import { InputError, errorMessage, type SourcePosition } from '../errors.js';

export type PatternOperator = 'union' | 'intersection' | 'exclusion';

export interface PatternTerm {
  /** As written, operator included, e.g. `!web[0]`. */
  text: string;
  operator: PatternOperator;
  /** Without operator and subscript, e.g. `web*` or `~db\d+`. */
  name: string;
  kind: 'name' | 'glob' | 'regex';
  /** Tests a group or host name. */
  matcher: RegExp;
  /** Ansible slice of the term's hosts: `[N]` (end undefined) or inclusive `[N:M]` (end 'last' for `[N:]`). */
  subscript?: { start: number; end?: number | 'last' };
}

const SYNTAX_EXAMPLE = 'expected names, globs or ~regex joined by "," or ":", e.g. "web:&prod:!web1"';

/** Throws an InputError at `position` when the pattern is not valid syntax. */
export function parseHostPattern(pattern: string, position?: SourcePosition): PatternTerm[] {
  const fail = (problem: string): InputError => new InputError(`host pattern "${pattern}": ${problem}`, position);
  const parts = splitPattern(pattern);
  if (typeof parts === 'string') throw fail(`${parts}; ${SYNTAX_EXAMPLE}`);
  if (parts.length === 0) throw fail(`is empty; ${SYNTAX_EXAMPLE}`);
  const terms = parts.map((part) => {
    const term = parseTerm(part);
    if (typeof term === 'string') throw fail(term);
    return term;
  });
  return orderTerms(terms);
}

/** A list of patterns (as `hosts: [web, "db:!db3"]`) as one comma-separated pattern, splitting each like Ansible. */
export function joinHostPatterns(patterns: readonly string[]): string {
  return patterns
    .flatMap((pattern) => {
      const parts = splitPattern(pattern);
      return typeof parts === 'string' ? [pattern] : parts;
    })
    .join(',');
}

/** Ansible's split_host_pattern. */
function splitPattern(pattern: string): string[] | string {
  if (pattern.includes(','))
    return pattern
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
  if (/^[0-9a-fA-F]*:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/.test(pattern.trim())) return [pattern.trim()];
  const tokens = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  const leftover = tokens.reduce((rest, token) => rest.replace(token, ''), pattern).replace(/[\s:]/g, '');
  if (leftover) return `unexpected "${leftover[0]}"`;
  return tokens;
}

function parseTerm(text: string): PatternTerm | string {
  const operator: PatternOperator = text.startsWith('!')
    ? 'exclusion'
    : text.startsWith('&')
      ? 'intersection'
      : 'union';
  const body = operator === 'union' ? text : text.slice(1);
  if (!body) return `"${text}" has no name after the operator; expected e.g. ${text}canary`;
  if (body.startsWith('~')) return parseRegexTerm(text, operator, body);
  const { name, subscript } = splitSubscript(body);
  if (!name) return `"${text}" has no name before its subscript; expected e.g. web[0]`;
  const matcher = globToRegExp(name);
  if (typeof matcher === 'string')
    return `${matcher} in "${text}"; expected [chars] to be closed, or a subscript [N] or [N:M]`;
  const kind = /[*?[]/.test(name) ? 'glob' : 'name';
  return { text, operator, name, kind, matcher, ...(subscript && { subscript }) };
}

function parseRegexTerm(text: string, operator: PatternOperator, body: string): PatternTerm | string {
  try {
    // Ansible uses Python's re.match: anchored at the start only.
    return { text, operator, name: body, kind: 'regex', matcher: new RegExp(`^(?:${body.slice(1)})`) };
  } catch (error) {
    return `invalid regular expression in "${text}" (${errorMessage(error)}); expected a JavaScript regular expression after "~"`;
  }
}

function splitSubscript(body: string): Pick<PatternTerm, 'name' | 'subscript'> {
  const match = /^(.+)\[(?:(-?\d+)|(\d+)[:-](\d*))\]$/.exec(body);
  if (!match) return { name: body };
  const [, name = '', index, start, end] = match;
  if (index !== undefined) return { name, subscript: { start: Number(index) } };
  return { name, subscript: { start: Number(start), end: end ? Number(end) : 'last' } };
}

/** Python's fnmatch.translate, with an unclosed "[" reported instead of taken literally. */
function globToRegExp(glob: string): RegExp | string {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] ?? '';
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const close = glob.indexOf(']', glob[i + 1] === '!' ? i + 3 : i + 2);
      if (close < 0) return 'unclosed "["';
      const inner = glob.slice(i + 1, close);
      source += `[${inner.startsWith('!') ? `^${escapeClass(inner.slice(1))}` : escapeClass(inner)}]`;
      i = close;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^]/g, '\\$&');
}

function orderTerms(terms: PatternTerm[]): PatternTerm[] {
  const by = (operator: PatternOperator): PatternTerm[] => terms.filter((t) => t.operator === operator);
  const unions = by('union');
  // Like Ansible, a pattern of only & and ! terms starts from all hosts.
  const start = unions.length > 0 ? unions : parseHostPattern('all');
  return [...start, ...by('intersection'), ...by('exclusion')];
}
