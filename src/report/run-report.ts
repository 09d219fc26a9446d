/** The machine-readable record of one run, built purely from the events the runner emitted. */
import type { RunEvent } from '../runner/events.js';
import type { TimingsReport } from './timings-report.js';
import { collectGates, collectHostReports } from './run-report-hosts.js';
import { countOutcomes, exitCodeOf, type HostOutcome, type StepOutcome } from '../runner/outcome.js';
import { diffFile } from '../changes/index.js';
import type { StepPlan } from '../steps/types.js';

export { noResultError, notRunError } from './run-report-hosts.js';

export interface StepReport {
  step: string;
  label: string;
  outcome: StepOutcome;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  error: string | null;
  /** Why the step failed, as data (errors.ts HostErrorKind: 'kernel-refused', 'verify-mismatch', 'timeout' …). */
  error_kind?: string;
  apply_ms?: number;
  /** Only with --diff: each file the step writes (or would write, with --check), as a unified diff (steps/diff.ts). */
  diffs?: FileDiffReport[];
}

export interface FileDiffReport {
  path: string;
  diff: string;
}

export interface HostReport {
  host: string;
  outcome: HostOutcome;
  /** The batch the host was in, counting from 1. */
  batch: number;
  error: string | null;
  /** Why, as data, when the host did not end as asked (errors.ts HostErrorKind), e.g. 'become', 'kernel-refused'. */
  error_kind?: string;
  warnings: string[];
  steps: StepReport[];
  /** What the post-rollback verification found different from the snapshot (empty = exact). */
  rollback_mismatches: string[];
  /** `rollback` only: its drift check (README "Rollback"); absent when no check was made. */
  drift?: DriftReport;
  timings?: TimingsReport;
}

/** What changed on a host since the run being rolled back (runner/drift.ts DriftFinding, snake_case). */
export interface DriftReport {
  /** true: restored over the drift (--force); false: the host was refused and nothing restored. */
  overwritten: boolean;
  findings: {
    kind: 'knob' | 'file';
    target: string;
    run_id: string;
    run_left: string;
    now: string;
    /** The newer run that found the change, when it happened between two runs undone together. */
    found_by?: string;
    message: string;
  }[];
  /** Targets whose after-state the journal does not hold: drift unknown. */
  unknown: string[];
}

export interface GateReport {
  /** The batch the gate followed, counting from 1. */
  batch: number;
  soak_ms: number | null;
  passed: boolean | null; // null: the gate started but never ended (interrupted)
  failed_hosts: { host: string; reason: string }[];
}

export interface RunReport {
  run_id: string | null;
  /** --check: nothing was changed; steps with pending changes are `planned`, hosts with them `changed` (would change). */
  check_mode: boolean;
  playbook: string;
  started_at: string;
  finished_at: string;
  exit_code: number;
  hosts: HostReport[];
  summary: Record<HostOutcome, number>;
  gates: GateReport[];
}

export interface RunReportMeta {
  playbook: string;
  startedAt: Date;
  finishedAt: Date;
  /** The command's exit code (outcome.ts exitCodeOf); default: the one its run-end event carries. */
  exitCode?: number;
  checkMode?: boolean;
  /** --diff: attach each step's file diffs. */
  diffs?: boolean;
}

export interface RunTally {
  hosts: HostReport[];
  summary: Record<HostOutcome, number>;
  exitCode: number;
}

/**
 * Per-host outcomes, their counts and the exit code: the command's, from run-end. Without a run-end the command
 * never finished (an internal error): the code is then the `run` rule applied to what the events show.
 */
export function summarizeRun(events: RunEvent[]): RunTally {
  const start = findEvent(events, 'run-start');
  const end = findLastEvent(events, 'run-end');
  const hosts = collectHostReports(events, start?.hosts ?? []);
  const summary = countOutcomes(hosts.map((h) => h.outcome));
  const stopped = events.some((e) => e.type === 'batch-end' && e.stopped);
  return { hosts, summary, exitCode: end?.exitCode ?? exitCodeOf({ counts: summary, stopped }, 'run') };
}

export function buildRunReport(events: RunEvent[], meta: RunReportMeta): RunReport {
  const tally = summarizeRun(events);
  if (meta.diffs === true) attachDiffs(tally.hosts, events);
  return {
    run_id: findEvent(events, 'run-start')?.runId ?? null,
    check_mode: meta.checkMode === true,
    playbook: meta.playbook,
    started_at: meta.startedAt.toISOString(),
    finished_at: meta.finishedAt.toISOString(),
    exit_code: meta.exitCode ?? tally.exitCode,
    hosts: tally.hosts,
    summary: tally.summary,
    gates: collectGates(events),
  };
}

type EventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

function findEvent<T extends RunEvent['type']>(events: RunEvent[], type: T): EventOf<T> | undefined {
  return events.find((e): e is EventOf<T> => e.type === type);
}

function findLastEvent<T extends RunEvent['type']>(events: RunEvent[], type: T): EventOf<T> | undefined {
  return findEvent([...events].reverse(), type);
}

/**
 * The diffs come from each host's plan (host-planned), whose steps are in the same order as its step results; a
 * step without file changes gets an empty list, so "no diff" and "not asked" (no key) differ.
 */
function attachDiffs(hosts: HostReport[], events: RunEvent[]): void {
  const plans = new Map<string, StepPlan[]>();
  for (const event of events) if (event.type === 'host-planned') plans.set(event.host, event.plans);
  for (const host of hosts) {
    const hostPlans = plans.get(host.host) ?? [];
    host.steps.forEach((step, index) => (step.diffs = fileDiffs(hostPlans[index])));
  }
}

function fileDiffs(plan: StepPlan | undefined): FileDiffReport[] {
  return (plan?.changes ?? []).flatMap((change) =>
    change.kind === 'file' ? [{ path: change.path, diff: diffFile(change.path, change.before, change.after) }] : [],
  );
}
