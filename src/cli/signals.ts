/**
 * First SIGINT/SIGTERM: start no new host, let steps in flight finish, roll back hosts mid-run (the runner polls
 * isInterrupted). Second signal: stop at once — but never while a remote script (a write) is in flight: no new
 * script starts, the ones running are waited for, then the process exits 130 and the journals stay for `rollback`.
 */
import { exitCodes } from '../runner/outcome.js';
import { escapeOutput } from '../config/escape.js';

export interface Interruption {
  isInterrupted(): boolean;
  /**
   * After a second signal: a promise that never settles (the signal path exits 130 once finish() is done), for the
   * run's own end to wait on, so only one of the two writes the summary and exits. Null before a second signal.
   */
  stopped(): Promise<never> | null;
  dispose(): void;
}

export interface SignalHandlers {
  onFirst(signal: string): void;
  /** Hosts with a remote script in flight. */
  busyHosts(): string[];
  /** Stops new remote scripts; resolves when none is in flight. */
  drain(): Promise<void>;
  /** Said when stopping at once, e.g. how to undo what was done. */
  stopHint: string;
  /** Second signal: called at once (before draining), e.g. to mark verdicts that follow as cut off. */
  onSecond?(): void;
  /** Second signal, once nothing is in flight: write what must be written (summary, report) before exit 130. */
  finish?(): Promise<void>;
}

export function watchSignals(handlers: SignalHandlers): Interruption {
  let interrupted = false;
  let stopping = false;
  let stoppedPromise: Promise<never> | null = null;
  const say = (text: string) => process.stderr.write(`\nconntrack-fleet: ${escapeOutput(text)}\n`);
  const handler = (signal: NodeJS.Signals) => {
    if (!interrupted) {
      interrupted = true;
      handlers.onFirst(signal);
      return;
    }
    const busy = [...new Set(handlers.busyHosts())];
    if (stopping) {
      say(`still waiting for the remote scripts in flight on ${busy.join(', ') || 'no host'} to end`);
      return;
    }
    stopping = true;
    // a live timer keeps the event loop running until the exit below, whatever the run's own end does meanwhile
    stoppedPromise = new Promise<never>(() => setInterval(() => undefined, 1000));
    handlers.onSecond?.();
    if (busy.length > 0)
      say(`second ${signal}: stopping; waiting for the remote scripts in flight on ${busy.join(', ')} to end first`);
    void handlers
      .drain()
      // a tick for the verdicts of hosts whose next script was just refused
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => handlers.finish?.())
      .catch((error: unknown) => say(`could not write the summary or report: ${String(error)}`))
      .then(() => {
        say(`stopped. ${handlers.stopHint}`);
        // a second signal means "stop now": nothing is left to unwind, so this is the one exit outside main.ts
        // eslint-disable-next-line no-restricted-syntax
        process.exit(exitCodes.interrupted);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    isInterrupted: () => interrupted,
    stopped: () => stoppedPromise,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
