/** First SIGINT/SIGTERM: start no new host and roll back hosts mid-run. Second SIGINT: stop at once, journals stay for `rollback`. */
import { exitCodes } from '../runner/outcome.js';

export interface Interruption {
  isInterrupted(): boolean;
  dispose(): void;
}

export function watchSignals(onFirst: (signal: string) => void): Interruption {
  let interrupted = false;
  const handler = (signal: NodeJS.Signals) => {
    if (!interrupted) {
      interrupted = true;
      onFirst(signal);
      return;
    }
    if (signal === 'SIGINT') {
      process.stderr.write('\nconntrack-fleet: second interrupt: stopping now; undo with `conntrack-fleet rollback --last -i INVENTORY`\n');
      process.exit(exitCodes.interrupted);
    }
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
