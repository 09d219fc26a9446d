/**
 * Drift: what changed on a host after a run, found before `rollback` writes anything. Pure.
 *
 * A run's undo writes back the before-states its journal recorded; if someone changed a knob or a file after the
 * run (an edit, a symlink, a `sysctl -w`, kube-proxy resetting nf_conntrack_max), that undo would silently destroy
 * the newer change. So each target is compared with the after-state the journal recorded for it, the state the run
 * left: knob values (or an accepted kernel rounding), and files byte for byte with mode, owner, file type and links.
 * A target that reads as its before-state is not drift either: the run never got to write it (a crash) or it was put
 * back by hand, and restoring it writes what is already there. Modules are loaded or not, both of which are a state
 * the run or its undo leaves: they never drift. A run that unloaded nf_conntrack (unload_nat) left its knobs
 * absent, so a knob that cannot be read is that run's after-state, not drift (its "pins" are written back after
 * the reload: steps/unload-pins.ts).
 */
import { realPathOf } from '../changes/file-state.js';
import { acceptedValues } from '../changes/knob-change.js';
import type { Change, KnobChange } from '../changes/change.js';
import type { FileState, HostFacts } from '../facts/types.js';
import { knobPaths } from '../facts/types.js';
import { describeFileState, describeUngathered } from './drift-describe.js';
import type { JournalEntry } from './journal.js';
import { knobValueAt, sameFile, sameFileBytes } from './restore-check.js';

type FileChange = Extract<Change, { kind: 'file' }>;

/** One target that is not as the run left it. Field names as the JSON report gives them (report/run-report.ts). */
export interface DriftFinding {
  kind: 'knob' | 'file';
  /** The knob's key or the file's path. */
  target: string;
  /** The run whose after-state was expected. */
  runId: string;
  /** What that run left, in words: `262144`, `a regular file (45 bytes, sha256 3f2a…, mode 0644, owner 0:0)`. */
  runLeft: string;
  /** What is there now (or, with `foundBy`, what that newer run found), in words. */
  now: string;
  /** Set when the change happened between two runs being undone: the newer run that found it. */
  foundBy?: string;
  /** The whole sentence, for errors and warnings. */
  message: string;
}

/** What the drift check found on a host: drift, and targets whose after-state the journal does not hold. */
export interface DriftCheck {
  findings: DriftFinding[];
  /** `TARGET (run R)`: the journal lacks the after-state (an unknown or damaged journal): drift unknown. */
  unknown: string[];
}

/** Every file the check must read, so one gather (GatherRequest.files) covers the runs. */
export function driftFiles(runs: JournalEntry[]): string[] {
  const files = runs.flatMap((run) => appliedOf(run).flatMap((c) => (c.kind === 'file' ? [c.path] : [])));
  return [...new Set(files)];
}

/**
 * Compares `now` (one gather) with the after-states of `runs`, NEWEST FIRST (the order they are undone): a target
 * is checked against the newest run that changed it, and each older run that changed it against what the next
 * newer run found there (its before-state), since undoing the newer run puts exactly that back.
 */
export function findDrift(now: HostFacts, runs: JournalEntry[]): DriftCheck {
  const findings: DriftFinding[] = [];
  const unknown: string[] = [];
  // target id → the newer run that changed it and what that run found there
  const foundBy = new Map<string, { runId: string; first: Change }>();
  for (const run of runs) {
    for (const [id, chain] of chainsOf(appliedOf(run))) {
      if (!chain.every(hasAfterState)) {
        unknown.push(`${targetOf(chain[0] as Change)} (run ${run.run_id})`);
      } else {
        const newer = foundBy.get(id);
        const finding = newer
          ? driftBetween(run.run_id, chain, newer)
          : driftOnHost(now, run.run_id, chain, unloadsConntrack(run));
        if (finding) findings.push(finding);
      }
      foundBy.set(id, { runId: run.run_id, first: chain[0] as Change });
    }
  }
  return { findings, unknown };
}

/** `rollback` refused for drift: every finding, and how to go on. */
export function driftRefusal(runId: string, findings: DriftFinding[]): string {
  return `refused to roll back run ${runId}: changed since the run: ${findings.map((f) => f.message).join('; ')}; nothing restored (rollback --force overwrites it)`;
}

/** The run removed nf_conntrack: every conntrack knob went with it (steps/unload-pins.ts dropsConntrackValues). */
function unloadsConntrack(run: JournalEntry): boolean {
  return appliedOf(run).some((c) => c.kind === 'module-unload' && c.module === 'nf_conntrack');
}

function appliedOf(run: JournalEntry): Change[] {
  return Array.isArray(run.changes) ? run.changes.slice(0, run.applied_count) : [];
}

/**
 * Knob and file changes grouped by target (in apply order); modules are left out (they never drift). A file is
 * its real file: two runs may write one file through two names (a link and its target, newer-runs.ts).
 */
function chainsOf(changes: Change[]): Map<string, Change[]> {
  const chains = new Map<string, Change[]>();
  for (const change of changes) {
    if (change.kind !== 'knob' && change.kind !== 'file') continue;
    const id =
      change.kind === 'knob'
        ? `knob:${aliasOf(change.path)}`
        : `file:${realPathOf(change.path, isFileState(change.after) ? change.after : change.before)}`;
    chains.set(id, [...(chains.get(id) ?? []), change]);
  }
  return chains;
}

/** The init-netns alias is the same value as the modern name (kernel doc: networking/nf_conntrack-sysctl). */
function aliasOf(path: string): string {
  return path === knobPaths.maxAlias ? knobPaths.max : path;
}

function targetOf(change: Change): string {
  return change.kind === 'knob' ? change.key : change.kind === 'file' ? change.path : change.module;
}

/** A journal damaged or from an unknown writer may lack fields: its drift is unknown, never guessed. */
function hasAfterState(change: Change): boolean {
  if (change.kind === 'knob') return typeof change.after === 'string' && typeof change.before === 'string';
  if (change.kind === 'file') return isFileState(change.after) && isFileState(change.before);
  return true;
}

function isFileState(state: unknown): state is FileState | null {
  if (state === null) return true;
  const s = state as Partial<FileState> | undefined;
  return typeof s?.contentBase64 === 'string' && typeof s.mode === 'number' && typeof s.uid === 'number';
}

/** The current state of the chain's target against every state the run may have left there. */
function driftOnHost(now: HostFacts, runId: string, chain: Change[], knobsGone: boolean): DriftFinding | null {
  const first = chain[0] as Change;
  const last = chain.at(-1) as Change;
  if (first.kind === 'knob') {
    const value = knobValueAt(now, first.path);
    if (value === null && knobsGone) return null;
    if (value !== null && knobStates(chain as KnobChange[]).includes(value)) return null;
    const shown = value === null ? 'unreadable' : value === '' ? 'empty' : value;
    const kube = now.kubeProxy && aliasOf(first.path) === knobPaths.max;
    const note = kube ? ' (kube-proxy runs on this host: it sets nf_conntrack_max itself when it starts)' : '';
    return knobFinding(runId, first.key, (last as KnobChange).after, `is now ${shown}${note}`, shown);
  }
  const path = (first as FileChange).path;
  const present = path in now.files;
  const state = now.files[path];
  if (present && fileStates(chain as FileChange[]).some((s) => sameFile(path, s, state))) return null;
  const shown = present ? describeFileState(path, state) : describeUngathered(path, now.problems);
  return fileFinding(runId, chain as FileChange[], `is now ${shown}`, shown);
}

/** What the newer run found against every state this (older) run may have left. */
function driftBetween(runId: string, chain: Change[], newer: { runId: string; first: Change }): DriftFinding | null {
  const found = newer.first;
  const between = ` (changed between the two runs)`;
  if (found.kind === 'knob') {
    if (knobStates(chain as KnobChange[]).includes(found.before)) return null;
    const text = `run ${newer.runId} found ${found.before}${between}`;
    return {
      ...knobFinding(runId, found.key, (chain.at(-1) as KnobChange).after, text, found.before),
      foundBy: newer.runId,
    };
  }
  if (found.kind !== 'file') return null;
  // the same name: the whole state (links too); another name of the same file: its bytes, mode and owner
  const path = (chain[0] as FileChange).path;
  const same = (s: FileState | null) =>
    found.path === path ? sameFile(path, s, found.before) : sameFileBytes(s, found.before);
  if (fileStates(chain as FileChange[]).some(same)) return null;
  const shown = describeFileState(found.path, found.before);
  const finding = fileFinding(runId, chain as FileChange[], `run ${newer.runId} found ${shown}${between}`, shown);
  return { ...finding, foundBy: newer.runId };
}

/** The before-state of the first change (restoring it changes nothing), then the after-state of each. */
function knobStates(chain: KnobChange[]): string[] {
  return [(chain[0] as KnobChange).before, ...chain.flatMap(acceptedValues)];
}

function fileStates(chain: FileChange[]): (FileState | null)[] {
  return [(chain[0] as FileChange).before, ...chain.map((c) => c.after)];
}

function knobFinding(runId: string, key: string, after: string, what: string, now: string): DriftFinding {
  const message = `${key}: was ${after} set by run ${runId}, ${what}`;
  return { kind: 'knob', target: key, runId, runLeft: after, now, message };
}

function fileFinding(runId: string, chain: FileChange[], what: string, now: string): DriftFinding {
  const last = chain.at(-1) as FileChange;
  const path = last.path;
  const runLeft = describeFileState(path, last.after);
  const left = last.after === null ? `was removed by run ${runId}` : `was ${runLeft} written by run ${runId}`;
  const message = `${path}: ${left}, ${what}`;
  return { kind: 'file', target: path, runId, runLeft, now, message };
}
