/**
 * The part of OpenSSH's client config (ssh_config(5)) that decides where and how to connect:
 * Host blocks with pattern lists, HostName, Port, User, IdentityFile, UserKnownHostsFile, GlobalKnownHostsFile. As in ssh,
 * the FIRST value obtained for a keyword wins; IdentityFile accumulates. Match blocks are skipped
 * (they need a runtime evaluation ssh itself does), and said so in `notes`. Pure.
 */
import { matchHostPatternList } from './openssh-pattern.js';
import { parseProxyCommand, parseProxyJump, type ProxySetting } from './proxy-jump.js';

export interface SshConfigBlock {
  /** Host patterns; ['*'] for lines before the first Host. */
  patterns: string[];
  /** Lower-case keyword → its words (quotes removed), in file order. */
  options: [string, string[]][];
  line: number;
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

function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|(\S+)/g)) words.push(match[1] ?? match[2] ?? '');
  return words;
}

export function parseSshConfig(text: string, file = 'ssh_config'): SshConfig {
  const blocks: SshConfigBlock[] = [{ patterns: ['*'], options: [], line: 0 }];
  const notes: string[] = [];
  let skipping = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!match) return;
    const keyword = (match[1] ?? '').toLowerCase();
    // ssh takes a ProxyCommand verbatim to the end of the line: its quotes are the shell's
    const words = keyword === 'proxycommand' ? [(match[2] ?? '').trim()] : splitWords(match[2] ?? '');
    if (keyword === 'host') {
      skipping = false;
      blocks.push({ patterns: words, options: [], line: index + 1 });
    } else if (keyword === 'match') {
      skipping = true;
      notes.push(`${file}:${index + 1}: Match blocks are not evaluated; their settings are ignored`);
    } else if (keyword === 'include') {
      notes.push(`${file}:${index + 1}: Include is not followed`);
    } else if (!skipping) {
      (blocks.at(-1) as SshConfigBlock).options.push([keyword, words]);
    }
  });
  return { blocks, notes };
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

/** Every setting that applies to `alias`, first value winning as in ssh. */
export function lookupSshConfig(config: SshConfig, alias: string): SshHostConfig {
  const found: SshHostConfig = { identityFiles: [] };
  for (const block of config.blocks) {
    if (!matchHostPatternList(alias, block.patterns)) continue;
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

function proxyOption(keyword: string, words: string[], block: SshConfigBlock): ProxySetting {
  const source =
    block.line === 0
      ? 'ssh config (before any Host line)'
      : `ssh config "Host ${block.patterns.join(' ')}" (line ${block.line})`;
  if (keyword === 'proxycommand') return parseProxyCommand(words.join(' '), source);
  const parsed = parseProxyJump(words.join(' '), source);
  return typeof parsed === 'string' ? { kind: 'invalid', reason: parsed, source } : parsed;
}
