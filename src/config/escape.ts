/**
 * One rule for every message that reaches a terminal, a log or a report line: control characters are shown
 * escaped, never sent. A host name with a newline would forge output lines; one with ESC sequences would
 * rewrite the operator's terminal (ECMA-48 CSI/OSC). The lowest layer (src/config) so inventory, playbook,
 * runner, report and cli code can all import it.
 */

/** C0 controls except none, DEL, and C1 controls (U+0080-U+009F, which some terminals treat as CSI/OSC). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/**
 * `text` with every control character written as `\n`, `\r`, `\t`, `\e` or `\xNN` / `\uNNNN`; a backslash is left as
 * is (the output is for reading, not for round-tripping). Keeps printable Unicode.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (char) => NAMED[char] ?? hexEscape(char));
}

/** Like escapeControl, but keeps line breaks: for multi-line text (a summary, a hint list) built from lines. */
export function escapeControlLines(text: string): string {
  return text.split('\n').map(escapeControl).join('\n');
}

/**
 * `text` with every C0/C1 control and DEL written as `\xNN` (newline too): for text quoted from a host or a remote
 * command (stderr lines, script text, advice reasons) where one line of output must stay one line.
 */
export function escapeControlHex(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** True when `text` holds a character escapeControl would rewrite. */
export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  return new RegExp(CONTROL.source).test(text);
}

function hexEscape(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Our own colours (paint.ts emits only SGR: ESC [ digits ; m) survive; every other control is escaped. */
const SGR_OR_CONTROL = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * For text a reporter writes to the terminal or a log, already painted: line breaks and tabs stay (the reporter
 * made them), SGR colour sequences stay (paint.ts made them), and every other control character — cursor moves,
 * screen clears, OSC title/hyperlink sequences, a bare CR that overwrites a line — is escaped.
 */
export function escapeOutput(text: string): string {
  return text.replace(SGR_OR_CONTROL, (match) => (match.length > 1 ? match : (NAMED[match] ?? hexEscape(match))));
}

/**
 * JSON.stringify escapes C0 controls but writes DEL, C1 controls (U+0080-U+009F: a terminal may read U+009B as CSI)
 * and the line separators raw; this writes them as \uXXXX too, which any JSON parser reads back identically.
 */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
