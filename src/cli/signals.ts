/**
 * First SIGINT/SIGTERM: start no new host, let steps in flight finish, roll back hosts mid-run (the runner polls
 * isInterrupted). Second signal: stop at once — but never while a remote script (a write) is in flight: no new
 * script starts, the ones running are waited for, then the process exits 130 and the journals stay for `rollback`.
 */
import { exitCodes } from '../runner/outcome.js';

export interface Interruption {
  isInterrupted(): boolean;
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
}

export function watchSignals(handlers: SignalHandlers): Interruption {
  let interrupted = false;
  let stopping = false;
  const say = (text: string) => process.stderr.write(`\nconntrack-fleet: ${text}\n`);
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
    if (busy.length > 0) say(`second ${signal}: stopping; waiting for the remote scripts in flight on ${busy.join(', ')} to end first`);
    void handlers.drain().then(() => {
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
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
