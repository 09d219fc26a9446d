/**
 * Become (Ansible's `become_method: sudo`) in ONE place: the remote command line that wraps `sh -s`, and what
 * sudo's messages mean. Pure; the channel side (prompt, password, ready marker) is become-channel.ts.
 *
 * The password never reaches a command line: with `-S` sudo prints the prompt on stderr and reads the password
 * from stdin (sudo(8) -S, -p). The prompt is a fixed marker so the client answers only when sudo asks (a NOPASSWD
 * rule or a cached ticket never asks, and an unasked password would be read by `sh -s` as a command). Once sudo
 * has let the command start, the shell writes the ready marker on stderr: only then is the script sent, so a
 * wrong password can never make sudo read script lines as further password attempts. `sudo -n` (no password
 * known) never reads stdin: its script is pipelined and the marker read afterwards (become-channel.ts).
 */
import { escapeMessage } from '../config/escape.js';
import type { HostTarget } from './connection.js';
import { quoteShell } from './quote.js';

/** The prompt sudo -S prints when it wants the password (no `%` escapes: sudo expands those). */
export const becomePrompt = '[conntrack-fleet sudo password]';
/** Written by the become shell on stderr once sudo ran it: become succeeded, the script may follow. */
export const becomeReadyMarker = 'conntrack-fleet-become-ready';

export type BecomeTarget = Pick<HostTarget, 'become' | 'becomeUser'> & { hasPassword?: boolean };

/**
 * The remote command line. No become: `sh -s`. Become without a known password: `sudo -n` (fails at once with
 * "a password is required" instead of waiting on a prompt). With a password: `sudo -S -p PROMPT`.
 * Shape: `sudo -n -u root -- sh -c 'echo conntrack-fleet-become-ready >&2; exec sh -s'`.
 */
export function becomeCommand(target: BecomeTarget): string {
  if (!target.become) return 'sh -s';
  const auth = target.hasPassword ? `-S -p ${quoteShell(becomePrompt)}` : '-n';
  const shell = quoteShell(`echo ${becomeReadyMarker} >&2; exec sh -s`);
  return `sudo ${auth} -u ${quoteShell(target.becomeUser)} -- sh -c ${shell}`;
}

/** Phrases of sudo 1.8/1.9 (plugins/sudoers, src/) and of a shell that has no sudo, with a hint for the user. */
const sudoFailures: { pattern: RegExp; hint: string }[] = [
  {
    pattern: /a (terminal|password) is required/i,
    hint: 'give the password: -K, CONNTRACK_FLEET_BECOME_PASSWORD or ansible_become_password',
  },
  { pattern: /incorrect password attempt|sorry, try again/i, hint: 'the become password is wrong' },
  {
    pattern: /is not in the sudoers file|is not allowed to (run sudo|execute)|may not run sudo/i,
    hint: 'the remote user has no sudo rights for this',
  },
  {
    pattern: /no valid sudoers sources found|unable to initialize policy plugin|error in \/etc\/sudoers/i,
    hint: 'sudo on the host is misconfigured',
  },
  { pattern: /sudo: (command )?not found|sudo: No such file/i, hint: 'sudo is not installed on the host' },
  {
    pattern: /must have a tty to run sudo/i,
    hint: 'sudoers has requiretty, which a non-interactive run cannot meet: Defaults:USER !requiretty',
  },
];

/**
 * What sudo said when it did not run the command: its own lines (prompts removed, control characters escaped,
 * joined with "; "), then a hint when the message is one sudo is known to print. Shape:
 * "sudo: a password is required (give the password: …)". `stderr` is everything sudo wrote before giving up.
 */
export function describeBecomeFailure(stderr: string): string {
  const lines = stderr
    .split(becomePrompt)
    .join('\n')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== becomeReadyMarker);
  const said = lines.map(escapeMessage).join('; ') || 'sudo ended without running the command and said nothing';
  const known = sudoFailures.find((failure) => failure.pattern.test(said));
  return known ? `${said} (${known.hint})` : said;
}
