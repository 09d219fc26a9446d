/**
 * The one fleet loop every command runs on (check, run's batches, rollback, journal listing): at most `forks`
 * hosts at once, no new host started after an interrupt, and every host ends as data — its value, or a failure
 * with a typed error kind. A host's work never throws past this loop, so one host cannot end the others' work.
 * Connections come from the caller's pool or connect (which holds the --max-handshakes limiter).
 */
import pLimit from 'p-limit';
import { errorKindOf, errorMessage, HostFailure, type HostErrorKind } from '../errors.js';
import type { HostTarget } from '../transport/connection.js';

/** What one host's work came to. `errorKind` 'interrupted' with `started: false`: the host was never started. */
export type HostDone<T> =
  | { target: HostTarget; ok: true; value: T }
  | { target: HostTarget; ok: false; started: boolean; errorKind: HostErrorKind; error: string };

export const notStartedMessage = 'interrupted before it started';

/**
 * Runs `work` for every target, `forks` at a time (min 1), in target order in the result. A host whose turn comes
 * after `isInterrupted()` turned true is not started. A thrown error becomes `{ ok: false }` with the kind of
 * errors.ts `errorKindOf` (HostFailure kind, ConnectError failure, else 'remote-command'). `onDone` is told each host's
 * end as soon as it is known (for live output); it must not throw.
 */
export async function forEachHost<T>(
  targets: readonly HostTarget[],
  forks: number,
  isInterrupted: () => boolean,
  work: (target: HostTarget) => Promise<T>,
  onDone: (done: HostDone<T>) => void = () => undefined,
): Promise<HostDone<T>[]> {
  const limit = pLimit(Math.max(1, forks));
  const one = async (target: HostTarget): Promise<HostDone<T>> => {
    if (isInterrupted())
      return { target, ok: false, started: false, errorKind: 'interrupted', error: notStartedMessage };
    try {
      return { target, ok: true, value: await work(target) };
    } catch (error) {
      return {
        target,
        ok: false,
        started: true,
        errorKind: errorKindOf(error, 'remote-command'),
        error: errorMessage(error),
      };
    }
  };
  return Promise.all(
    targets.map((target) =>
      limit(async () => {
        const done = await one(target);
        onDone(done);
        return done;
      }),
    ),
  );
}

/** Runs one stage of a host's work; what it throws carries the stage as its kind (a ConnectError keeps its own). */
export async function atStage<T>(stage: HostErrorKind, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new HostFailure(errorKindOf(error, stage), errorMessage(error), { cause: error });
  }
}
