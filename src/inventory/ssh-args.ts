/** The bits of ansible_ssh_common_args / ansible_ssh_extra_args this tool honours. */
import { parseProxyCommand, parseProxyJump, type ProxySetting } from '../transport/proxy-jump.js';

/** POSIX shell-like word splitting, as Ansible's shlex.split; a string describes an unterminated quote. */
export function splitShellWords(text: string): string[] | string {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] ?? '';
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word = `${word ?? ''}${char}`;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && /["\\$`]/.test(text[i + 1] ?? '')) word = `${word ?? ''}${text[++i] ?? ''}`;
      else word = `${word ?? ''}${char}`;
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word ??= '';
      if (char === "'" || char === '"') quote = char;
      else if (char === '\\' && i + 1 < text.length) word += text[++i];
      else word += char;
    }
  }
  if (quote) return `unterminated ${quote} quote`;
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The first UserKnownHostsFile given with -o (ssh keeps the first value of an option):
 * `-o UserKnownHostsFile=PATH`, `-oUserKnownHostsFile=PATH`, `-o 'UserKnownHostsFile PATH'`,
 * and the unquoted `-o UserKnownHostsFile PATH`.
 */
export function findKnownHostsFile(words: readonly string[]): string | undefined {
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const option = word === '-o' ? words[++i] : word.startsWith('-o') ? word.slice(2) : undefined;
    if (option === undefined) continue;
    if (/^\s*UserKnownHostsFile\s*$/i.test(option)) return firstPath(words[i + 1]);
    const match = /^\s*UserKnownHostsFile\s*(?:=\s*|\s+)(.*)$/i.exec(option);
    if (match) return firstPath(match[1]);
  }
  return undefined;
}

/** ssh accepts several space-separated files; only the first is used for checking and adding keys here. */
function firstPath(value: string | undefined): string | undefined {
  return value?.trim().split(/\s+/)[0] || undefined;
}

/**
 * ProxyJump/ProxyCommand from ssh command-line words, as ssh(1) reads them: `-J HOPS`/`-JHOPS`,
 * `-o ProxyJump=HOPS`, `-o ProxyCommand=CMD` (any -o spelling above). The first of ProxyJump/ProxyCommand
 * wins; ssh refuses a second -J and -J after a ProxyCommand, so those are errors (a string) here too.
 */
export function findProxySetting(words: readonly string[], source: string): ProxySetting | string | undefined {
  let found: ProxySetting | undefined;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    if (word === '-J' || (word.startsWith('-J') && word.length > 2)) {
      const value = word === '-J' ? words[++i] : word.slice(2);
      if (value === undefined) return '-J needs a [user@]host[:port] argument';
      // ssh.c: a second -J, or -J after any ProxyJump/ProxyCommand option (even `none`), is fatal
      if (found) return `-J ${value} after ${found.source}: ssh refuses more than one jump setting (use commas to separate hops)`;
      const parsed = parseProxyJump(value, `-J ${value} in ${source}`);
      if (typeof parsed === 'string') return parsed;
      found = parsed;
      continue;
    }
    const option = word === '-o' ? words[++i] : word.startsWith('-o') ? word.slice(2) : undefined;
    const match = option === undefined ? null : /^\s*(ProxyJump|ProxyCommand)\s*(?:=\s*|\s+|$)(.*)$/i.exec(option);
    if (!match) continue;
    const keyword = (match[1] ?? '').toLowerCase();
    const value = (match[2] ?? '').trim() || (words[++i] ?? '');
    if (value === '') return `-o ${match[1]} needs a value`;
    const where = `-o ${match[1]}=${value} in ${source}`;
    const setting = keyword === 'proxyjump' ? parseProxyJump(value, where) : parseProxyCommand(value, where);
    if (typeof setting === 'string') return setting;
    found ??= setting;
  }
  return found;
}
