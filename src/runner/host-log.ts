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

/** Which exchange a pair of events is about. */
interface Sent {
  host: string;
  exchange: HostLogEvent['exchange'];
  script?: string;
}

export function withHostLog(connect: Connect, options: HostLogOptions): Connect {
  return async (target, connectOptions) => {
    const sent = { host: target.name, exchange: 'connect' } as const;
    const connection = await logged(options, sent, () => connect(target, connectOptions), timed);
    return wrapConnection(connection, options);
  };
}

function wrapConnection(connection: Connection, options: HostLogOptions): Connection {
  const host = connection.target.name;
  return {
    target: connection.target,
    runScript: (script, runOptions) =>
      logged(
        options,
        { host, exchange: 'script', script },
        () => connection.runScript(script, runOptions),
        (exec) => execFields(exec, options.level),
      ),
    hold: (script, runOptions) =>
      logged(options, { host, exchange: 'hold', script }, () => connection.hold(script, runOptions), timed),
    close: () => connection.close(),
    onLost: (listener) => connection.onLost(listener),
  };
}

async function logged<T>(
  options: HostLogOptions,
  { host, exchange, script }: Sent,
  work: () => Promise<T>,
  doneFields: (result: T, elapsedMs: number) => Partial<HostLogEvent>,
): Promise<T> {
  const withScript = options.level >= 3 && script !== undefined ? { script } : {};
  safeEmit(options, { type: 'host-log', host, stage: 'sent', exchange, ...withScript });
  // read only for what carries no duration of its own (connect, hold, a thrown error)
  const startedMs = Date.now();
  try {
    const result = await work();
    const fields = doneFields(result, Date.now() - startedMs);
    safeEmit(options, { type: 'host-log', host, stage: 'done', exchange, ...fields });
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

/** A connection or held command carries no duration: the wrapper's own clock gives it. */
function timed(_result: unknown, elapsedMs: number): Partial<HostLogEvent> {
  return { durationMs: elapsedMs };
}

/** A script's fields at this verbosity; its duration is the transport's own (ExecResult.durationMs), not re-timed. */
function execFields(exec: ExecResult, level: number): Partial<HostLogEvent> {
  return {
    durationMs: exec.durationMs,
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
