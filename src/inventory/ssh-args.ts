/** The bits of ansible_ssh_common_args / ansible_ssh_extra_args this tool honours. */
import { parseProxyCommand, parseProxyJump, type ProxySetting } from '../transport/proxy-jump.js';

/**
 * POSIX shell-like word splitting, as Ansible's shlex.split; a string describes an unterminated quote.
 * With `comments`, an unquoted `#` ends the text, even inside a word (Python shlex with comments=True).
 */
export function splitShellWords(text: string, options: { comments?: boolean } = {}): string[] | string {
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
    } else if (options.comments && char === '#') {
      break;
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
 * The files of the first UserKnownHostsFile given with -o (ssh keeps the first value of an option):
 * `-o UserKnownHostsFile=PATH`, `-oUserKnownHostsFile=PATH`, `-o 'UserKnownHostsFile PATH'`,
 * and the unquoted `-o UserKnownHostsFile PATH`. Only the first is written to; all are read.
 */
export function findKnownHostsFile(words: readonly string[]): string | undefined {
  return findOptionFiles(words, 'UserKnownHostsFile')?.[0];
}

/**
 * The whitespace-separated files of the first `-o KEYWORD=…` (ssh_config(5): UserKnownHostsFile and
 * GlobalKnownHostsFile take "one or more files"); undefined when the option is not given.
 */
export function findOptionFiles(
  words: readonly string[],
  keyword: 'UserKnownHostsFile' | 'GlobalKnownHostsFile',
): string[] | undefined {
  const bare = new RegExp(`^\\s*${keyword}\\s*$`, 'i');
  const withValue = new RegExp(`^\\s*${keyword}\\s*(?:=\\s*|\\s+)(.*)$`, 'i');
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const option = word === '-o' ? words[++i] : word.startsWith('-o') ? word.slice(2) : undefined;
    if (option === undefined) continue;
    if (bare.test(option)) return splitPaths(words[i + 1]);
    const match = withValue.exec(option);
    if (match) return splitPaths(match[1]);
  }
  return undefined;
}

function splitPaths(value: string | undefined): string[] | undefined {
  const paths =
    value
      ?.trim()
      .split(/\s+/)
      .filter((p) => p !== '') ?? [];
  return paths.length > 0 ? paths : undefined;
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
      if (found)
        return `-J ${value} after ${found.source}: ssh refuses more than one jump setting (use commas to separate hops)`;
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
