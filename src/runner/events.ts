/** The runner emits these; reporters (src/report) only display them. */
import type { HostErrorKind } from '../errors.js';
import type { HostFacts } from '../facts/types.js';
import type { StepPlan } from '../steps/types.js';
import type { DriftFinding } from './drift.js';
import type { HostOutcome, StepOutcome } from './outcome.js';

export interface StepResult {
  step: string; // StepKind
  label: string;
  outcome: StepOutcome;
  lines: string[];
  warnings: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  error: string | null;
  /** Why the step failed, as data ('kernel-refused', 'verify-mismatch', 'timeout', 'plan' …); kept when rolled back. */
  errorKind?: HostErrorKind;
  /** Wall time of the step's one request (apply + read-back + journal update), when it ran on the host. */
  applyMs?: number;
}

/** Where a host's time went, in ms of wall time; null: the phase did not happen (e.g. no lock with --check). */
export interface HostTimings {
  /** TCP + SSH handshake + auth, waiting for a handshake slot included. */
  connectMs: number | null;
  /** Taking the host lock (one held command). */
  lockMs: number | null;
  /** The one fact-gathering request. */
  gatherMs: number | null;
  /** Marking the journal done at the end (each step's update travels with the step). */
  journalMs: number | null;
}

export interface HostResult {
  host: string;
  outcome: HostOutcome;
  batch: number; // 0-based batch index
  steps: StepResult[];
  warnings: string[];
  /** Why the host failed / was skipped / is unreachable; for rollback-failed: what is left and how to fix it. */
  error: string | null;
  /** Why, as data, when the host failed, was skipped or rolled back (errors.ts HostErrorKind: 'become', 'lock', 'apply' …). */
  errorKind?: HostErrorKind;
  /** After a rollback: what the verification against the snapshot found (empty = exact). */
  rollbackMismatches: string[];
  /** `rollback` only: what its drift check found before restoring (runner/drift.ts); absent when none was made. */
  drift?: HostDrift;
  timings?: HostTimings;
}

/** A rollback's drift check: findings refuse the host, unless `overwritten` (--force) says they were restored over. */
export interface HostDrift {
  findings: DriftFinding[];
  /** Targets whose after-state the journal does not hold: drift unknown, restored anyway. */
  unknown: string[];
  overwritten: boolean;
}

export type RunEvent =
  | { type: 'run-start'; runId: string; hosts: string[]; steps: { kind: string; label: string }[]; batches: string[][] }
  | { type: 'batch-start'; batch: number; hosts: string[] }
  | { type: 'host-start'; host: string; batch: number }
  | { type: 'host-connected'; host: string }
  | { type: 'host-facts'; host: string; facts: HostFacts }
  | { type: 'host-planned'; host: string; plans: StepPlan[] }
  | { type: 'step-start'; host: string; index: number; label: string }
  | { type: 'step-end'; host: string; index: number; result: StepResult }
  | { type: 'rollback-start'; host: string; reason: string }
  | { type: 'rollback-end'; host: string; ok: boolean; mismatches: string[] }
  | { type: 'host-end'; result: HostResult }
  | { type: 'gate-start'; batch: number; soakMs: number }
  | { type: 'gate-end'; batch: number; failedHosts: { host: string; reason: string }[] }
  /**
   * failed: hosts where the change went wrong; unreachable: hosts never changed (unreachable, or locked by another
   * run), which max_fail_percentage ignores; total: the batch's hosts. stoppedBy: the threshold that stopped the rollout.
   */
  | {
      type: 'batch-end';
      batch: number;
      failed: number;
      total: number;
      unreachable?: number;
      stopped: boolean;
      stoppedBy?: 'failed' | 'unreachable' | null;
    }
  | { type: 'message'; level: 'info' | 'warn' | 'error'; text: string; host?: string }
  | HostLogEvent
  /** Emitted by the command (cli/), which maps the outcomes to the exit code (outcome.ts exitCodeOf). */
  | { type: 'run-end'; exitCode: number; summary: Record<HostOutcome, number> };

export type EventListener = (event: RunEvent) => void;

/**
 * One remote exchange, for -v/-vv/-vvv (report/verbose.ts), emitted by runner/host-log.ts around connect, runScript
 * and hold: `sent` when it starts, `done` when its result (or error) is back. Fields a verbosity does not print are
 * left out (script and stdout below -vvv, stderr below -vv), so a quiet run keeps no script text in memory.
 */
export interface HostLogEvent {
  type: 'host-log';
  host: string;
  stage: 'sent' | 'done';
  /** connect: TCP + SSH handshake (+ sudo check); script: one runScript round trip; hold: a long-lived command (the host lock). */
  exchange: 'connect' | 'script' | 'hold';
  /** done, milliseconds: a script's is its ExecResult.durationMs (the transport's); else wall time since `sent`. */
  durationMs?: number;
  exitCode?: number | null;
  signal?: string | null;
  /** The connect or transport error (not a non-zero exit). */
  error?: string;
  script?: string;
  stdout?: string;
  stderr?: string;
}
