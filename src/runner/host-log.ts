/**
 * The -v hook: a Connect decorator that emits a `host-log` event before and after every remote exchange (connect,
 * runScript, hold). It wraps the Connection interface from outside, so the transport and host-run.ts stay as they
 * are: re-attach it wherever a Connect is turned into a pool (cli/run.ts today). Emitting never changes the run: a
 * throwing listener is ignored, and results and errors pass through untouched.
 */
import { errorMessage } from '../errors.js';
import type { Connect, Connection, ExecResult } from '../transport/connection.js';
import type { EventListener, HostLogEvent } from './events.js';

export interface HostLogOptions {
  emit: EventListener;
  /** 1 = durations, 2 = + exit status and stderr, 3 = + script text and stdout (cli -v count). */
  level: number;
}

type Exchange = HostLogEvent['exchange'];

export function withHostLog(connect: Connect, options: HostLogOptions): Connect {
  return async (target, connectOptions) => {
    const connection = await logged(options, target.name, 'connect', undefined, () => connect(target, connectOptions));
    return wrapConnection(connection, options);
  };
}

function wrapConnection(connection: Connection, options: HostLogOptions): Connection {
  const host = connection.target.name;
  return {
    target: connection.target,
    runScript: (script, runOptions) =>
      logged(options, host, 'script', script, () => connection.runScript(script, runOptions)),
    hold: (script, runOptions) => logged(options, host, 'hold', script, () => connection.hold(script, runOptions)),
    close: () => connection.close(),
    onLost: (listener) => connection.onLost(listener),
  };
}

async function logged<T>(
  options: HostLogOptions,
  host: string,
  exchange: Exchange,
  script: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const withScript = options.level >= 3 && script !== undefined ? { script } : {};
  safeEmit(options, { type: 'host-log', host, stage: 'sent', exchange, ...withScript });
  const startedMs = Date.now();
  try {
    const result = await work();
    safeEmit(options, {
      type: 'host-log',
      host,
      stage: 'done',
      exchange,
      durationMs: Date.now() - startedMs,
      ...resultFields(result, options.level),
    });
    return result;
  } catch (error) {
    safeEmit(options, {
      type: 'host-log',
      host,
      stage: 'done',
      exchange,
      durationMs: Date.now() - startedMs,
      error: errorMessage(error),
    });
    throw error;
  }
}

function resultFields(result: unknown, level: number): Partial<HostLogEvent> {
  if (typeof result !== 'object' || result === null || !('exitCode' in result)) return {};
  const exec = result as ExecResult;
  return {
    exitCode: exec.exitCode,
    signal: exec.signal,
    ...(level >= 2 && { stderr: exec.stderr }),
    ...(level >= 3 && { stdout: exec.stdout }),
  };
}

function safeEmit(options: HostLogOptions, event: HostLogEvent): void {
  try {
    options.emit(event);
  } catch {
    // display only: a failing reporter must not fail the host
  }
}
