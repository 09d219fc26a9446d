/**
 * ssh_config(5) `Match` lines, evaluated as OpenSSH's readconf.c match_cfg_line does on its first pass. Pure.
 * - `all`; `host LIST` (the HostName obtained so far, `%h` expanded to the name given, else that name),
 *   `originalhost LIST` (the name given), `user LIST` (the User obtained so far, else the local user),
 *   `localuser LIST`: LIST is a comma pattern list with `*`, `?` and `!` as in Host lines;
 * - `!` before a criterion negates it; every criterion must hold.
 * `exec`, `canonical`, `final`, `localnetwork`, `tagged` and unknown criteria need what ssh decides at run time
 * (a local command, canonicalisation, a second pass, the local addresses): such a line is not evaluated and its
 * block is skipped, with a note, as before Match was read at all.
 */
import { matchHostPatternList } from './openssh-pattern.js';

export type MatchCriterion =
  | { kind: 'all'; negated: boolean }
  | { kind: 'host' | 'originalhost' | 'user' | 'localuser'; negated: boolean; patterns: string[] };

/** What a Match line is checked against: the values obtained so far in this lookup. */
export interface MatchContext {
  alias: string;
  hostName?: string;
  user?: string;
  localUser: string;
}

const listCriteria = new Set(['host', 'originalhost', 'user', 'localuser']);

/** The criteria of `Match WORDS…`, or the reason the line cannot be evaluated here. */
export function parseMatchCriteria(words: string[]): MatchCriterion[] | { unsupported: string } {
  const criteria: MatchCriterion[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const negated = word.startsWith('!');
    const name = (negated ? word.slice(1) : word).toLowerCase();
    if (name === 'all') {
      criteria.push({ kind: 'all', negated });
      continue;
    }
    if (!listCriteria.has(name)) return { unsupported: `Match ${name}` };
    const value = words[i + 1];
    if (value === undefined) return { unsupported: `Match ${name} without a value` };
    i += 1;
    criteria.push({ kind: name as 'host', negated, patterns: value.split(',') });
  }
  if (criteria.length === 0) return { unsupported: 'Match without criteria' };
  return criteria;
}

/** True when every criterion holds for `context`. */
export function matchCriteria(criteria: MatchCriterion[], context: MatchContext): boolean {
  return criteria.every((criterion) => holds(criterion, context) !== criterion.negated);
}

function holds(criterion: MatchCriterion, context: MatchContext): boolean {
  if (criterion.kind === 'all') return true;
  const subject =
    criterion.kind === 'host'
      ? context.hostName === undefined
        ? context.alias
        : context.hostName.replaceAll('%h', context.alias)
      : criterion.kind === 'originalhost'
        ? context.alias
        : criterion.kind === 'user'
          ? (context.user ?? context.localUser)
          : context.localUser;
  return matchHostPatternList(subject, criterion.patterns);
}
