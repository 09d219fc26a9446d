/**
 * The part of OpenSSH's client config (ssh_config(5)) that decides where and how to connect:
 * Host blocks with pattern lists, HostName, Port, User, IdentityFile, UserKnownHostsFile, GlobalKnownHostsFile. As in ssh,
 * the FIRST value obtained for a keyword wins; IdentityFile accumulates. `Match` lines are evaluated as ssh's first
 * pass does (ssh-config-match.ts); one that needs a run-time decision (exec, final, …) skips its block, said in
 * `notes`. `Include` is followed when a reader is given (ssh-config-include.ts): the included lines take the place
 * of the Include line and apply only where the block holding it applies, as in readconf.c. Pure.
 */
import { userInfo } from 'node:os';
import { matchHostPatternList } from './openssh-pattern.js';
import { matchCriteria, type MatchCriterion } from './ssh-config-match.js';
import { parseProxyCommand, parseProxyJump, type ProxySetting } from './proxy-jump.js';

export { parseSshConfig, type SshConfigIncludeReader } from './ssh-config-parse.js';

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
