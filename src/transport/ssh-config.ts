/**
 * The part of OpenSSH's client config (ssh_config(5)) that decides where and how to connect:
 * Host blocks with pattern lists, HostName, Port, User, IdentityFile, UserKnownHostsFile, GlobalKnownHostsFile. As in ssh,
 * the FIRST value obtained for a keyword wins; IdentityFile accumulates. `Match` lines are evaluated as ssh's first
 * pass does (ssh-config-match.ts); one that needs a run-time decision (exec, final, …) skips its block, said in
 * `notes`. `Include` is followed when a reader is given (ssh-config-include.ts): the included lines take the place
 * of the Include line and apply only where the block holding it applies, as in readconf.c. Pure.
 */
import { userInfo } from 'node:os';
import { InputError } from '../errors.js';
import { matchHostPatternList } from './openssh-pattern.js';
import { matchCriteria, parseMatchCriteria, type MatchCriterion } from './ssh-config-match.js';
import { parseProxyCommand, parseProxyJump, type ProxySetting } from './proxy-jump.js';

/** What must hold for a block to apply: a Host pattern list, or the criteria of a Match line. */
export type SshConfigGuard = { kind: 'host'; patterns: string[] } | { kind: 'match'; criteria: MatchCriterion[] };

export interface SshConfigBlock {
  /** Host patterns; ['*'] for lines before the first Host, and for a Match block (its criteria are in guards). */
  patterns: string[];
  /** Lower-case keyword → its words (quotes removed), in file order. */
  options: [string, string[]][];
  line: number;
  /** Further conditions: the Host/Match lines enclosing the Include that brought this block in, and its own Match. */
  guards?: SshConfigGuard[];
  /** Where the block starts, for messages (`"Match host x" (FILE:LINE)`); absent for the main file's Host blocks. */
  label?: string;
}

export interface SshConfig {
  blocks: SshConfigBlock[];
  notes: string[];
}

export interface SshHostConfig {
  hostName?: string;
  port?: number;
  user?: string;
  identityFiles: string[];
  /** Every file of the first UserKnownHostsFile line: all are read, keys are added to the first. */
  userKnownHostsFiles?: string[];
  /** Every file of the first GlobalKnownHostsFile line (read only). */
  globalKnownHostsFiles?: string[];
  /** ProxyJump or ProxyCommand, whichever came first (ssh_config(5)). */
  proxy?: ProxySetting;
}

/** The files an `Include` word names (glob expanded, sorted); throws InputError for a file that cannot be read. */
export type SshConfigIncludeReader = (word: string) => { file: string; text: string }[];

/** readconf.c READCONF_MAX_DEPTH: Includes nested deeper are an error in ssh. */
const maxIncludeDepth = 16;

function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|(\S+)/g)) words.push(match[1] ?? match[2] ?? '');
  return words;
}

interface ParseState {
  blocks: SshConfigBlock[];
  notes: string[];
  include?: SshConfigIncludeReader;
}

export function parseSshConfig(text: string, file = 'ssh_config', include?: SshConfigIncludeReader): SshConfig {
  const state: ParseState = { blocks: [{ patterns: ['*'], options: [], line: 0 }], notes: [], include };
  parseInto(state, text, file, [], 0);
  return { blocks: state.blocks, notes: state.notes };
}

/** Parses `text` into state.blocks, every block also guarded by `outer` (the Include line's enclosing conditions). */
function parseInto(state: ParseState, text: string, file: string, outer: SshConfigGuard[], depth: number): void {
  let current = state.blocks.at(-1) as SshConfigBlock;
  if (depth > 0) current = pushBlock(state, { patterns: ['*'], options: [], line: 0, guards: outer, label: file });
  let skipping = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!match) return;
    const keyword = (match[1] ?? '').toLowerCase();
    // ssh takes a ProxyCommand verbatim to the end of the line: its quotes are the shell's
    const words = keyword === 'proxycommand' ? [(match[2] ?? '').trim()] : splitWords(match[2] ?? '');
    const where = `${file}:${index + 1}`;
    if (keyword === 'host') {
      skipping = false;
      const guards = outer.length > 0 ? outer : undefined;
      const label = depth > 0 ? `"Host ${words.join(' ')}" (${where})` : undefined;
      current = pushBlock(state, { patterns: words, options: [], line: index + 1, guards, label });
    } else if (keyword === 'match') {
      const criteria = parseMatchCriteria(words);
      skipping = 'unsupported' in criteria;
      if ('unsupported' in criteria) {
        state.notes.push(`${where}: ${criteria.unsupported} is not evaluated; the settings of its block are ignored`);
        return;
      }
      const guards: SshConfigGuard[] = [...outer, { kind: 'match', criteria }];
      const label = `"Match ${words.join(' ')}" (${where})`;
      current = pushBlock(state, { patterns: ['*'], options: [], line: index + 1, guards, label });
    } else if (skipping) {
      return;
    } else if (keyword === 'include') {
      current = includeFiles(state, current, { words, where, depth });
    } else {
      current.options.push([keyword, words]);
    }
  });
}

/** A block's own conditions, as the guards of what an Include inside it brings in. */
function guardsOf(block: SshConfigBlock): SshConfigGuard[] {
  const own = block.guards ?? [];
  const host: SshConfigGuard[] =
    block.patterns.length === 1 && block.patterns[0] === '*' ? [] : [{ kind: 'host', patterns: block.patterns }];
  return [...own, ...host];
}

/** Reads each file an Include names in place; returns the block the lines after the Include go on in. */
function includeFiles(
  state: ParseState,
  enclosing: SshConfigBlock,
  line: { words: string[]; where: string; depth: number },
): SshConfigBlock {
  if (!state.include) {
    state.notes.push(`${line.where}: Include is not followed`);
    return enclosing;
  }
  if (line.depth + 1 > maxIncludeDepth)
    throw new InputError(`${line.where}: Include nested more than ${maxIncludeDepth} deep; expected no Include loop`);
  for (const word of line.words) {
    for (const found of state.include(word)) {
      parseInto(state, found.text, found.file, guardsOf(enclosing), line.depth + 1);
    }
  }
  // the lines after the Include belong to the block that held it again (readconf.c restores activep)
  return pushBlock(state, { ...enclosing, options: [] });
}

function pushBlock(state: ParseState, block: SshConfigBlock): SshConfigBlock {
  state.blocks.push(block);
  return block;
}

/** `%h` host, `%p` port, `%r` remote user, `%d` home, `%%`, and a leading `~`. */
export function expandTokens(
  value: string,
  tokens: { host: string; port: number; user: string; home: string },
): string {
  const expanded = value.replace(/%([hprd%])/g, (_, token: string) =>
    token === 'h'
      ? tokens.host
      : token === 'p'
        ? String(tokens.port)
        : token === 'r'
          ? tokens.user
          : token === 'd'
            ? tokens.home
            : '%',
  );
  return expanded.replace(/^~(?=\/|$)/, tokens.home);
}

/**
 * Every setting that applies to `alias`, first value winning as in ssh. `user`: the user given on the command line
 * (ssh -l, Ansible's `-o User=`), which `Match user` sees before any User line; `localUser`: for `Match localuser`
 * and `Match user` when no User is known.
 */
export function lookupSshConfig(
  config: SshConfig,
  alias: string,
  who: { user?: string; localUser?: string } = {},
): SshHostConfig {
  const found: SshHostConfig = { identityFiles: [] };
  const localUser = who.localUser ?? userInfo().username;
  for (const block of config.blocks) {
    const context = { alias, hostName: found.hostName, user: who.user ?? found.user, localUser };
    if (!matchHostPatternList(alias, block.patterns)) continue;
    if (!(block.guards ?? []).every((guard) => guardHolds(guard, context))) continue;
    for (const [keyword, words] of block.options) {
      const [value = ''] = words;
      if (keyword === 'hostname') found.hostName ??= value;
      else if (keyword === 'port' && found.port === undefined && /^\d+$/.test(value)) found.port = Number(value);
      else if (keyword === 'user') found.user ??= value;
      else if (keyword === 'identityfile') found.identityFiles.push(value);
      // ssh_config(5): "one or more files … separated by whitespace"; ssh writes to the first
      else if (keyword === 'userknownhostsfile' && words.length > 0) found.userKnownHostsFiles ??= words;
      else if (keyword === 'globalknownhostsfile' && words.length > 0) found.globalKnownHostsFiles ??= words;
      else if (keyword === 'proxyjump' || keyword === 'proxycommand')
        found.proxy ??= proxyOption(keyword, words, block);
    }
  }
  return found;
}

function guardHolds(guard: SshConfigGuard, context: Parameters<typeof matchCriteria>[1]): boolean {
  return guard.kind === 'host'
    ? matchHostPatternList(context.alias, guard.patterns)
    : matchCriteria(guard.criteria, context);
}

function proxyOption(keyword: string, words: string[], block: SshConfigBlock): ProxySetting {
  const source = block.label
    ? `ssh config ${block.label}`
    : block.line === 0
      ? 'ssh config (before any Host line)'
      : `ssh config "Host ${block.patterns.join(' ')}" (line ${block.line})`;
  if (keyword === 'proxycommand') return parseProxyCommand(words.join(' '), source);
  const parsed = parseProxyJump(words.join(' '), source);
  return typeof parsed === 'string' ? { kind: 'invalid', reason: parsed, source } : parsed;
}
