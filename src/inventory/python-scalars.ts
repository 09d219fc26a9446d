/**
 * Python's number and string literals as ast.literal_eval reads them (Python language reference, "Lexical
 * analysis": integer/floating-point literals, string literals and their escape sequences). Each reader takes the
 * text and an offset and returns the value and the offset after it, or null when no such literal starts there.
 */

/** A literal read from `text`: its value and the offset just after it. */
export interface Read<T> {
  value: T;
  end: number;
}

const NUMBER =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)/;
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '\n': '',
};

/** An unsigned int or float literal at `at` (underscores, 0x/0o/0b); null for anything else ("0123", "1abc"). */
export function readNumber(text: string, at: number): Read<number> | null {
  const rest = text.slice(at);
  const match = NUMBER.exec(rest)?.[0] ?? '';
  if (!/\d/.test(match) || /^[\w.]/.test(rest.slice(match.length))) return null;
  // Python rejects decimal integers with leading zeros ("0123"), so Ansible keeps them as text.
  if (/^0\d/.test(match) && !/[.eE]/.test(match) && !/^0+$/.test(match.replace(/_/g, ''))) return null;
  const plain = match.replace(/_/g, '');
  const value = /^0[xXoObB]/.test(plain)
    ? Number(plain)
    : /[.eE]/.test(plain)
      ? Number.parseFloat(plain)
      : Number(plain);
  return { value, end: at + match.length };
}

/** Whether a string literal (with its r/u/b prefix) starts at `at`. */
export function startsString(text: string, at: number): boolean {
  return /^[rRuUbB]{0,2}['"]/.test(text.slice(at));
}

/** One string literal at `at`: prefix, quotes (single or triple), escapes unless raw; f-strings are not literals. */
export function readString(text: string, at: number): Read<string> | null {
  const prefix = /^[rRuUbB]{0,2}/.exec(text.slice(at))?.[0] ?? '';
  if (/[fF]/.test(prefix)) return null;
  let i = at + prefix.length;
  const raw = /[rR]/.test(prefix);
  const quote = text.startsWith(text[i]?.repeat(3) ?? '', i) ? (text[i] ?? '').repeat(3) : (text[i] ?? '');
  i += quote.length;
  let value = '';
  while (i < text.length) {
    if (text.startsWith(quote, i)) return { value, end: i + quote.length };
    const char = text[i] ?? '';
    if (char === '\n' && quote.length === 1) return null;
    if (char === '\\' && !raw) {
      const escaped = readEscape(text, i);
      if (escaped === null) return null;
      value += escaped.value;
      i = escaped.end;
      continue;
    }
    value += raw && char === '\\' ? `\\${text[i + 1] ?? ''}` : char;
    i += raw && char === '\\' ? 2 : 1;
  }
  return null;
}

/** The escape sequence at `at` (its backslash); null for a code point past U+10FFFF. */
function readEscape(text: string, at: number): Read<string> | null {
  const next = text[at + 1] ?? '';
  const hex = /^(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(text.slice(at + 1));
  if (hex) {
    const code = Number.parseInt(hex[1] ?? hex[2] ?? hex[3] ?? '', 16);
    return code > 0x10ffff ? null : { value: String.fromCodePoint(code), end: at + 1 + hex[0].length };
  }
  // Python keeps unknown escapes such as "\d" as written.
  return { value: ESCAPES[next] ?? `\\${next}`, end: at + 2 };
}
