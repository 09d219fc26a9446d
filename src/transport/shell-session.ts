/**
 * One long-lived `sh -s` per host carries every request of a run (gather, each step, journal, rollback): no channel
 * open, login shell or `sh` start per request. A request runs in a subshell with stdin from /dev/null, so `exit`,
 * `exec 8>…` (the apply lock) and file descriptors end with it, and ends with cf_reply (src/remote/session.sh): one
 * frame per request (frame.ts). Requests are sent one at a time, in call order.
 */
import { remoteScript } from '../remote/scripts.js';
import type { ExecOutput, ExecResult } from './connection.js';
import { newToken, rescanFrom, StreamBuffer, takeFrame } from './frame.js';
import { sh } from './quote.js';

/** The channel under a session; exec-channel.ts wires an ssh2 channel to it, tests a fake. */
export interface SessionChannel {
  write(text: string): void;
  /** KILL the remote shell and close the channel (a timed-out request). */
  stop(): void;
  /** End stdin: the shell exits after the request in flight. */
  end(): void;
}

/** What the channel tells the session. */
export interface SessionFeed {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** The channel closed; exit status or signal of the shell when sshd sent one. */
  closed(exitCode: number | null, signal: string | null): void;
}

export interface ShellSession {
  /** Resolves with the request's output and status; a session that ended before it was sent rejects. */
  request(script: string, timeoutMs?: number): Promise<ExecResult>;
  /** False once the channel closed or was stopped: open a new session for the next request. */
  readonly alive: boolean;
  end(): void;
}

/** A request found the session already ended; nothing of it ran. */
export class SessionEndedError extends Error {
  constructor() {
    super('the remote shell session has ended');
  }
}

interface Pending {
  token: string;
  startedMs: number;
  resolve: (result: ExecResult) => void;
  timer: NodeJS.Timeout | undefined;
}

/** The text sent for one request: the script in a subshell, then its end marker. */
export function requestText(script: string, token: string): string {
  // `)` on its own line: a script ending in a comment or without a newline still closes the subshell
  return `(\n${script}\n) </dev/null\n${sh`cf_reply ${token}`} "$?"\n`;
}

export function startShellSession(
  channel: SessionChannel,
  token: (n: number) => string = newToken,
): { session: ShellSession; feed: SessionFeed } {
  const stdout = new StreamBuffer();
  const stderr = new StreamBuffer();
  // bytes of each stream already searched for the pending request's marker
  let scanned = { stdout: 0, stderr: 0 };
  let alive = true;
  let pending: Pending | null = null;
  let sequence = 0;
  let tail: Promise<unknown> = Promise.resolve();

  const settle = (output: ExecOutput, timedOut = false) => {
    const done = pending;
    pending = null;
    if (!done) return;
    clearTimeout(done.timer);
    done.resolve({ ...output, timedOut, durationMs: Math.round(performance.now() - done.startedMs) });
  };
  const tryComplete = () => {
    if (!pending) return;
    const { token } = pending;
    const out = takeFrame(stdout.view(), token, rescanFrom(scanned.stdout, token));
    const err = takeFrame(stderr.view(), token, rescanFrom(scanned.stderr, token));
    // the next search starts where this one cannot have missed a marker: at the one found, else near the end
    scanned = { stdout: out ? out.body.length : stdout.length, stderr: err ? err.body.length : stderr.length };
    if (!out || !err) return;
    const result: ExecOutput = {
      stdout: out.body.toString('utf8'),
      stderr: err.body.toString('utf8'),
      exitCode: out.status,
      signal: null,
    };
    stdout.replace(out.rest);
    stderr.replace(err.rest);
    scanned = { stdout: 0, stderr: 0 };
    settle(result);
  };
  const leftovers = (note: string, exitCode: number | null, signal: string | null): ExecOutput => {
    const text = stderr.view().toString('utf8');
    const separator = note && text && !text.endsWith('\n') ? '\n' : '';
    const result = { stdout: stdout.view().toString('utf8'), stderr: text + separator + note, exitCode, signal };
    stdout.replace(Buffer.alloc(0));
    stderr.replace(Buffer.alloc(0));
    return result;
  };

  const feed: SessionFeed = {
    stdout(chunk) {
      stdout.append(chunk);
      tryComplete();
    },
    stderr(chunk) {
      stderr.append(chunk);
      tryComplete();
    },
    closed(exitCode, signal) {
      alive = false;
      // the shell died mid-request (kill $$, a syntax error, the connection): its own status is the request's
      settle(leftovers('', signal ? null : exitCode, signal));
    },
  };

  const run = (script: string, timeoutMs: number | undefined): Promise<ExecResult> => {
    if (!alive) return Promise.reject(new SessionEndedError());
    sequence += 1;
    return new Promise((resolve) => {
      const mine: Pending = { token: token(sequence), startedMs: performance.now(), resolve, timer: undefined };
      pending = mine;
      if (timeoutMs !== undefined) {
        mine.timer = setTimeout(() => {
          alive = false;
          channel.stop();
          // resolve now: sshd only confirms the close once the remote process is gone
          settle(
            leftovers(
              `[conntrack-fleet: timed out after ${timeoutMs} ms; sent KILL and closed the channel]`,
              null,
              null,
            ),
            true,
          );
        }, timeoutMs);
      }
      channel.write(requestText(script, mine.token));
    });
  };

  const session: ShellSession = {
    request(script, timeoutMs) {
      const result = tail.then(() => run(script, timeoutMs));
      tail = result.catch(() => undefined);
      return result;
    },
    get alive() {
      return alive;
    },
    end() {
      alive = false;
      channel.end();
    },
  };
  channel.write(remoteScript('session.sh'));
  return { session, feed };
}
