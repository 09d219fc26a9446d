/** The bits of ansible_ssh_common_args / ansible_ssh_extra_args this tool honours. */

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
