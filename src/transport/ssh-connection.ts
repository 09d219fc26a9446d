/** A ready ssh2 Client seen through the Connection interface: scripts, held commands, close, loss. */
import type { Client } from 'ssh2';
import { ConnectError, RemoteError, errorMessage } from '../errors.js';
import type { Connection, ExecResult, HeldCommand, HoldOptions, HostTarget, RunScriptOptions } from './connection.js';
import {
  becomeOpener,
  commandFor,
  pipelinesBecome,
  settleBecomeHoldError,
  settleBecomeResult,
} from './become-channel.js';
import { holdExec, openExec, openSession } from './exec-channel.js';
import { SessionEndedError, type ShellSession } from './shell-session.js';

type State = { kind: 'open' } | { kind: 'closing' } | { kind: 'lost'; error: ConnectError };

/**
 * `onClosed` runs once the connection has closed for any reason, e.g. to release the jump hosts it rode on;
 * close() also waits for the promise it returns (never rejecting).
 */
export function createSshConnection(client: Client, target: HostTarget, onClosed?: () => Promise<void>): Connection {
  let state: State = { kind: 'open' };
  const lostListeners: ((error: Error) => void)[] = [];
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve())).then(() =>
    onClosed?.().catch(() => undefined),
  );
  const command = commandFor(target);
  // become: each script's channel first passes sudo's prompt and ready marker (become-channel.ts)
  const opener = becomeOpener(target, openExec) ?? command;
  const pipelined = pipelinesBecome(target);

  const markLost = (reason: string, cause?: unknown) => {
    if (state.kind !== 'open') return;
    const error = new ConnectError(
      'connection-lost',
      `${target.name} (${target.address}:${target.port}): connection lost: ${reason}`,
      { cause },
    );
    state = { kind: 'lost', error };
    for (const listener of lostListeners.splice(0)) listener(error);
  };
  client.on('error', (error: Error) => markLost(errorMessage(error), error));
  client.on('end', () => markLost('the host closed the connection'));
  client.on('close', () => markLost('the connection closed'));

  const lostError = (): ConnectError | null => (state.kind === 'lost' ? state.error : null);

  /** Errors while the connection is gone say so; others are a remote failure to start the command. */
  const failure = (error: unknown): Error => {
    if (state.kind === 'lost') return state.error;
    if (error instanceof ConnectError && error.failure === 'become') return error;
    if (state.kind === 'closing')
      return new ConnectError('connection-lost', `${target.name}: connection already closed`, { cause: error });
    return new RemoteError(`${target.name}: could not start ${command}: ${errorMessage(error)}`, null, '', {
      cause: error,
    });
  };

  // every script of the run travels on ONE channel; a session that ended (timeout, killed shell) is replaced
  let session: Promise<ShellSession> | null = null;
  let turn: Promise<unknown> = Promise.resolve();
  // sudo -n: its lines and ready marker come before the first reply of each session (settleBecomeResult)
  const settled = new WeakSet<ShellSession>();
  const currentSession = async (): Promise<ShellSession> => {
    const open = session && (await session.catch(() => null));
    if (open?.alive) return open;
    session = openSession(client, opener);
    return session;
  };
  const request = async (script: string, timeoutMs: number | undefined): Promise<ExecResult> => {
    // a session found ended just before the request was sent is replaced once; nothing of the request ran
    for (let attempt = 1; ; attempt += 1) {
      const shell = await currentSession();
      const first = pipelined && !settled.has(shell);
      settled.add(shell);
      try {
        const result = await shell.request(script, timeoutMs);
        const lost = lostError();
        // a channel torn down with the connection has no exit status: that is a lost host, not a result
        if (lost && result.exitCode === null && result.signal === null) throw lost;
        return first ? settleBecomeResult(target, result) : result;
      } catch (error) {
        if (!(error instanceof SessionEndedError) || attempt >= 2) throw error;
        settled.delete(shell);
      }
    }
  };

  return {
    target,
    async runScript(script: string, options?: RunScriptOptions): Promise<ExecResult> {
      if (state.kind !== 'open') throw failure(undefined);
      const result = turn.then(() => request(script, options?.timeoutMs));
      turn = result.catch(() => undefined);
      return result.catch((error: unknown) => {
        throw error instanceof ConnectError ? error : failure(error);
      });
    },
    async hold(script: string, options?: HoldOptions): Promise<HeldCommand> {
      if (state.kind !== 'open') throw failure(undefined);
      // the session opens while the lock is taken: its channel and shell start are off the gather's critical path;
      // not through sudo's password handshake: a wrong password would then be tried twice at once
      const warm = options?.warmSession !== false;
      if (warm && !session && typeof opener === 'string') void currentSession().catch(() => undefined);
      return holdExec(client, opener, script, options?.timeoutMs).catch((caught: unknown) => {
        const error = pipelined ? settleBecomeHoldError(target, caught) : caught;
        throw lostError() ?? (error instanceof RemoteError ? error : failure(error));
      });
    },
    async close(): Promise<void> {
      if (state.kind === 'open') state = { kind: 'closing' };
      client.end();
      await closed;
    },
    onLost(listener: (error: Error) => void): void {
      const lost = lostError();
      if (lost) queueMicrotask(() => listener(lost));
      else lostListeners.push(listener);
    },
  };
}
