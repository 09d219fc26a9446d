/**
 * Opens the exec channel of one script through sudo (become.ts builds the command): answers sudo's password
 * prompt once, waits for the ready marker, and only then hands the channel over, so the script is never read
 * by sudo and a refused sudo ends as ONE error kind, 'become', with sudo's own words.
 */
import type { Client, ClientChannel } from 'ssh2';
import { ConnectError, RemoteError } from '../errors.js';
import { becomeCommand, becomePrompt, becomeReadyMarker, describeBecomeFailure } from './become.js';
import type { ExecResult, HostTarget } from './connection.js';

/** sudo asks, pam_unix waits ~2 s after a wrong password (pam_faildelay); a hung PAM module must not hang the run. */
export const becomeTimeoutMs = 20_000;

export type OpenChannel = (client: Client) => Promise<ClientChannel>;

/** The command line for a target, as become.ts builds it (a password source means `sudo -S`). */
export function commandFor(target: HostTarget): string {
  return becomeCommand({ ...target, hasPassword: target.becomePassword !== undefined });
}

function becomeError(target: HostTarget, said: string): ConnectError {
  return new ConnectError(
    'become',
    `${target.name}: become (sudo -u ${target.becomeUser}) failed: ${describeBecomeFailure(said)}`,
  );
}

/**
 * `sudo -n` (no password known) never reads stdin, so its script is sent at once, as without become: no round
 * trip is spent on the handshake. Whether sudo let the shell start is read afterwards: true for such targets.
 */
export function pipelinesBecome(target: HostTarget): boolean {
  return target.become && target.becomePassword === undefined;
}

/**
 * A pipelined (`sudo -n`) script's result: sudo's own lines up to the ready marker are dropped from stderr. No
 * marker means sudo never started the shell: ConnectError('become') in sudo's words. The exit status cannot tell:
 * when sudo exits while the script is still arriving on stdin, OpenSSH's exit status may be lost (the result then
 * reads "ended by timeout or lost channel"). A lost connection is thrown before this is asked.
 */
export function settleBecomeResult(target: HostTarget, result: ExecResult): ExecResult {
  const marker = `${becomeReadyMarker}\n`;
  const at = result.stderr.indexOf(marker);
  if (at >= 0) return { ...result, stderr: result.stderr.slice(at + marker.length) };
  throw becomeError(target, result.stderr);
}

/** A pipelined held command that ended before its first line: a become error when sudo never started the shell. */
export function settleBecomeHoldError(target: HostTarget, error: unknown): unknown {
  if (!(error instanceof RemoteError) || error.stderr.includes(becomeReadyMarker)) return error;
  return becomeError(target, error.stderr);
}

/**
 * For a become target, an opener that resolves with a channel whose shell runs as the become user; rejects with
 * ConnectError('become', "HOST: become (sudo -u USER) failed: <sudo's message>") when sudo refuses, asks twice
 * (wrong password: the channel is closed at once, nothing more is sent) or says nothing within timeoutMs.
 * Without become, or with `sudo -n` (pipelinesBecome): undefined, the command line is used as it is.
 */
export function becomeOpener(
  target: HostTarget,
  open: (client: Client, command: string) => Promise<ClientChannel>,
  timeoutMs = becomeTimeoutMs,
): OpenChannel | undefined {
  if (!target.become || pipelinesBecome(target)) return undefined;
  const command = commandFor(target);
  return async (client) => handshake(target, await open(client, command), timeoutMs);
}

function handshake(target: HostTarget, channel: ClientChannel, timeoutMs: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    let said = '';
    let prompts = 0;
    const fail = (extra = '') => {
      finish();
      try {
        channel.close();
      } catch {
        // already gone
      }
      reject(becomeError(target, said + extra));
    };
    const onStderr = (chunk: Buffer) => {
      said += chunk.toString('utf8');
      if (said.includes(`${becomeReadyMarker}\n`)) {
        finish();
        return resolve(channel);
      }
      const asked = said.split(becomePrompt).length - 1;
      if (asked > 1) return fail('\nsudo: 1 incorrect password attempt');
      if (asked === 1 && prompts === 0) {
        prompts = 1;
        // the source's own reason (-K without a terminal: set the env var) beats a bare "no password"
        void answer(target, channel).catch((error: unknown) => fail(`\n${passwordSourceFailure(error)}`));
      }
    };
    const onClose = () => fail();
    const timer = setTimeout(
      () => fail(`\nconntrack-fleet: sudo did not start the command within ${timeoutMs} ms`),
      timeoutMs,
    );
    const finish = () => {
      clearTimeout(timer);
      channel.stderr.off('data', onStderr);
      channel.off('close', onClose);
    };
    channel.stderr.on('data', onStderr);
    channel.on('close', onClose);
    // stdout is the script's alone, yet sudo may write there before the shell runs: drain it meanwhile
    channel.resume();
  });
}

/** The password goes on stdin, one line, only after sudo printed its prompt; never into a message. */
/** Why no password could be given: a ConnectError from the password source says what to do; anything else may
 * come from a prompt library and is not repeated (it could echo what was typed). */
function passwordSourceFailure(error: unknown): string {
  return error instanceof ConnectError ? error.message : 'no become password available';
}

async function answer(target: HostTarget, channel: ClientChannel): Promise<void> {
  const password = await target.becomePassword?.();
  if (password === undefined) throw new Error('no password');
  channel.write(`${password.split(/\r?\n/)[0] ?? ''}\n`);
}
