/** The shapes one host's run passes around: its options, what the fleet keeps of it, and the work so far. */
import type { Change } from '../changes/change.js';
import type { HostFacts } from '../facts/types.js';
import type { Playbook } from '../playbook/types.js';
import type { StepPlan } from '../steps/types.js';
import type { Connection, HostTarget } from '../transport/connection.js';
import type { EventListener, HostResult, HostTimings, StepResult } from './events.js';
import type { LockResult } from './host-lock.js';
import type { JournalEntry } from './journal.js';

export interface HostRunOptions {
  target: HostTarget;
  batch: number;
  playbook: Playbook;
  checkOnly: boolean;
  runId: string;
  startedAt: Date;
  /** The pool's connection; the fleet closes it when the run is done with the host (fleet-release.ts). */
  openConnection: (target: HostTarget) => Promise<Connection>;
  reopenConnection: (target: HostTarget) => Promise<Connection>;
  emit: EventListener;
  /** True after the first SIGINT/SIGTERM: finish the step in flight, then roll this host back. */
  isInterrupted: () => boolean;
  /** The run's lock on this host (held by the fleet as long as the run may reach the host); null with --check. */
  lock: ((connection: Connection) => Promise<LockResult>) | null;
}

/** What the fleet needs to roll this host back later (failed gate, on_abort). */
export interface HostRunRecord {
  result: HostResult;
  /** Changes that may have taken effect and are still in place. */
  applied: Change[];
  snapshot: HostFacts | null;
  /** The on-host journal as last written; null when the host was never changed. */
  journal: JournalEntry | null;
}

/** The work of one host so far. */
export interface Progress {
  connection: Connection;
  facts: HostFacts;
  plans: StepPlan[];
  steps: StepResult[];
  applied: Change[];
  warnings: string[];
  timings: HostTimings;
}

export function record(result: HostResult, fields: Partial<Omit<HostRunRecord, 'result'>> = {}): HostRunRecord {
  return { result, applied: [], snapshot: null, journal: null, ...fields };
}
