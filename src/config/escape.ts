/**
 * One rule for every message that reaches a terminal, a log or a report line: control characters are shown
 * escaped, never sent. A host name with a newline would forge output lines; one with ESC sequences would
 * rewrite the operator's terminal (ECMA-48 CSI/OSC). The lowest layer (src/config) so inventory, playbook,
 * runner, report and cli code can all import it.
 *
 * The rule (C string notation): tab, newline and carriage return as `\t`,
 * `\n`, `\r`; every other C0 control (U+0000-U+001F), DEL (U+007F) and C1 control (U+0080-U+009F: some terminals
 * read U+009B as CSI) as `\xNN`; the line separators U+2028/U+2029 (a line break to some consoles and log viewers,
 * and past `\xNN`'s range) as `\u2028`/`\u2029`; the bidirectional formatting characters (U+061C, U+200E/U+200F,
 * U+202A-U+202E, U+2066-U+2069: they reorder what follows on the line, so a host name could make a message read
 * the opposite of what it says, "Trojan Source", CVE-2021-42574) as `\uXXXX`. Everything else printable, any script,
 * is kept.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_BACKSLASH = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\' };

/** One control character (or a backslash) in the notation above. */
function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * One value from outside (a host name, a line a host or ssh wrote, a name from a playbook) on one line: every
 * control character in the notation above, and a backslash doubled (`\\`), so a literal `\n` in the value cannot
 * pass for an escaped newline. Example: `web\x1b[2J` + newline → `web\\x1b[2J\\n`.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL_OR_BACKSLASH, escapeChar);
}

/**
 * A whole message composed from parts that were escaped (escapeControl) or quoted (JSON.stringify) already: the same
 * notation for any control character left, backslashes kept, so those parts are not escaped twice. Idempotent.
 * Also for host text that becomes part of a host's error (stderr, sudo's words): the verbose redactor
 * (report/verbose-text.ts) runs on that error later and matches secrets as written, so a backslash must stay single.
 */
export function escapeMessage(text: string): string {
  return text.replace(CONTROL, escapeChar);
}

/** Like escapeControl, but keeps line breaks: for multi-line text (a summary, a hint list) built from lines. */
export function escapeControlLines(text: string): string {
  return text.split('\n').map(escapeControl).join('\n');
}

/** True when `text` holds a control character (one escapeMessage would rewrite). */
export function hasControl(text: string): boolean {
  return new RegExp(CONTROL.source).test(text);
}

/** Our own colours (paint.ts emits only SGR: ESC [ digits ; m) survive; every other control is escaped. */
const SGR_OR_CONTROL =
  /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * For text a reporter writes to the terminal or a log, already painted: line breaks and tabs stay (the reporter
 * made them), SGR colour sequences stay (paint.ts made them), backslashes stay (as in escapeMessage: the values in
 * it were escaped already), and every other control character — cursor moves, screen clears, OSC title/hyperlink
 * sequences, a bare CR that overwrites a line — is escaped in the notation above.
 */
export function escapeOutput(text: string): string {
  return text.replace(SGR_OR_CONTROL, (match) => (match.length > 1 ? match : escapeChar(match)));
}

/**
 * JSON.stringify escapes C0 controls but writes DEL, C1 controls (U+0080-U+009F: a terminal may read U+009B as CSI)
 * the line separators and the bidirectional formatting characters raw; this writes them as \uXXXX too, which any
 * JSON parser reads back identically.
 */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
