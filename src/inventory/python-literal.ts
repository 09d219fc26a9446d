/**
 * The part of Python's ast.literal_eval that Ansible's INI inventory applies to every `key=value`
 * (plugins/inventory/ini.py, _parse_value): numbers, strings, True/False/None, lists, tuples, sets and
 * dicts, with `#` comments ignored. Text that is not such a literal stays the text as written, as in
 * Ansible (where literal_eval raises and the string is kept). Tuples and sets become lists, complex
 * numbers and `...` stay text, as Ansible coerces them. The containers, signs and names are read here; numbers and
 * strings by python-scalars.ts.
 */

import { readNumber, readString, startsString, type Read } from './python-scalars.js';

const NOT_LITERAL = Symbol('not a literal');
type Parsed = unknown | typeof NOT_LITERAL;

/** The value Ansible gives `text`; `text` itself when it is not a Python literal. */
export function pythonLiteral(text: string): unknown {
  const parser = new LiteralParser(text);
  const value = parser.parseAll();
  return value === NOT_LITERAL ? text : value;
}

class LiteralParser {
  private at = 0;
  constructor(private readonly text: string) {}

  parseAll(): Parsed {
    const value = this.value();
    this.skipSpace();
    return value !== NOT_LITERAL && this.at === this.text.length ? value : NOT_LITERAL;
  }

  private skipSpace(): void {
    for (;;) {
      const rest = this.text.slice(this.at);
      const space = /^(?:\s+|#[^\n]*)/.exec(rest);
      if (!space) return;
      this.at += space[0].length;
    }
  }

  private value(): Parsed {
    this.skipSpace();
    const char = this.text[this.at] ?? '';
    if (char === '[') return this.sequence(']');
    if (char === '(') return this.sequence(')');
    if (char === '{') return this.braces();
    if (char === '-' || char === '+') {
      this.at += 1;
      this.skipSpace();
      // literal_eval takes one sign before a number literal only: "--5" and "-True" stay text.
      const operand = this.number();
      if (typeof operand !== 'number') return NOT_LITERAL;
      return char === '-' ? -operand : operand;
    }
    const name = /^(True|False|None)(?![\w])/.exec(this.text.slice(this.at));
    if (name) {
      this.at += name[0].length;
      return name[1] === 'True' ? true : name[1] === 'False' ? false : null;
    }
    if (startsString(this.text, this.at)) return this.strings();
    return this.number();
  }

  private number(): Parsed {
    return this.take(readNumber(this.text, this.at));
  }

  /** Adjacent string literals concatenate, as in Python. */
  private strings(): Parsed {
    let result = '';
    do {
      const part = this.take(readString(this.text, this.at));
      if (part === NOT_LITERAL) return NOT_LITERAL;
      result += part as string;
      this.skipSpace();
    } while (startsString(this.text, this.at));
    return result;
  }

  /** A scalar read by python-scalars.ts: moves past it, or NOT_LITERAL when there was none. */
  private take<T>(read: Read<T> | null): T | typeof NOT_LITERAL {
    if (read === null) return NOT_LITERAL;
    this.at = read.end;
    return read.value;
  }

  private sequence(close: string): Parsed {
    this.at += 1;
    const start = this.at;
    const items = this.items(close, () => this.value());
    // "(1)" is just 1 in Python; only "(1,)" is a tuple.
    const parenthesized =
      close === ')' && Array.isArray(items) && items.length === 1 && !/,\s*\)$/.test(this.text.slice(start, this.at));
    return parenthesized ? (items as unknown[])[0] : items;
  }

  private braces(): Parsed {
    this.at += 1;
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return {};
    }
    const start = this.at;
    const first = this.value();
    this.skipSpace();
    if (first === NOT_LITERAL) return NOT_LITERAL;
    if (this.text[this.at] !== ':') {
      this.at = start;
      return this.items('}', () => this.value());
    }
    this.at = start;
    const entries = this.items('}', () => this.entry());
    return entries === NOT_LITERAL ? NOT_LITERAL : Object.fromEntries(entries as Array<[string, unknown]>);
  }

  private entry(): Parsed {
    const key = this.value();
    this.skipSpace();
    if (key === NOT_LITERAL || (typeof key === 'object' && key !== null) || this.text[this.at] !== ':')
      return NOT_LITERAL;
    this.at += 1;
    const value = this.value();
    return value === NOT_LITERAL ? NOT_LITERAL : [String(key), value];
  }

  /** Comma-separated items up to `close`; a trailing comma is allowed. */
  private items(close: string, item: () => Parsed): Parsed {
    const values: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === close) {
        this.at += 1;
        return values;
      }
      const value = item();
      if (value === NOT_LITERAL) return NOT_LITERAL;
      values.push(value);
      this.skipSpace();
      if (this.text[this.at] === ',') this.at += 1;
      else if (this.text[this.at] !== close) return NOT_LITERAL;
    }
  }
}
