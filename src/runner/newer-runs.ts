/**
 * Which newer runs stand in the way of undoing an older one on a host. Pure.
 *
 * A run's undo writes back the before-states IT recorded. When a newer run changed the same knob, file or module
 * afterwards, undoing only the older run would leave the host in a state no run ever planned (sysctl.conf
 * persisting values the kernel no longer has), so the newer runs must be undone first, newest first: the same
 * order as `git revert` of a stack, and what makes each journal's before-state true again when its undo runs.
 */
import { realPathOf } from '../changes/file-state.js';
import { mirrorsOf } from '../changes/knob-change.js';
import type { Change } from '../changes/change.js';
import type { JournalEntry } from './journal.js';

/** The init-netns alias holds the same value as the modern name (kernel doc: networking/nf_conntrack-sysctl). */
const knobAliases: Record<string, string> = {
  '/proc/sys/net/nf_conntrack_max': '/proc/sys/net/netfilter/nf_conntrack_max',
};

/** Matches every knob: loading or removing nf_conntrack resets every conntrack value at once. */
const everyKnob = 'knob:*';

function knobId(path: string): string {
  return `knob:${knobAliases[path] ?? path}`;
}

/** Target id → a name for messages. */
function targetsOfChange(change: Change): Map<string, string> {
  const targets = new Map<string, string>();
  if (change.kind === 'knob') {
    targets.set(knobId(change.path), change.key);
    for (const mirror of mirrorsOf(change)) targets.set(knobId(mirror.path), mirror.key);
  } else if (change.kind === 'file') {
    // two names of one file (a link and its target) are one target
    for (const state of [change.before, change.after]) {
      const real = realPathOf(change.path, state);
      targets.set(`file:${real}`, real === change.path ? change.path : `${change.path} -> ${real}`);
    }
    targets.set(`file:${change.path}`, change.path);
  } else {
    targets.set(`module:${change.module}`, change.module);
    if (change.module === 'nf_conntrack') targets.set(everyKnob, 'nf_conntrack (every conntrack value)');
  }
  return targets;
}

/** Everything the applied part of a run touched (changes [0, applied_count)). */
export function targetsOfRun(entry: JournalEntry): Map<string, string> {
  const targets = new Map<string, string>();
  for (const change of entry.changes.slice(0, entry.applied_count)) {
    for (const [id, label] of targetsOfChange(change)) if (!targets.has(id)) targets.set(id, label);
  }
  return targets;
}

/** Names of the targets both runs touched; [] = independent. */
export function sharedTargets(a: Map<string, string>, b: Map<string, string>): string[] {
  const shared = new Set<string>();
  for (const [id, label] of b) {
    if (a.has(id)) shared.add(label);
    else if (id.startsWith('knob:') && a.has(everyKnob)) shared.add(label);
    else if (id === everyKnob && [...a.keys()].some((k) => k.startsWith('knob:'))) shared.add(label);
  }
  return [...shared];
}

/** Journal order: start time, then run id (ids start with the UTC time). */
export function compareRuns(a: JournalEntry, b: JournalEntry): number {
  return a.started_at.localeCompare(b.started_at) || a.run_id.localeCompare(b.run_id);
}

export interface BlockingRun {
  entry: JournalEntry;
  /** What it shares with the runs to be undone, for the message. */
  shared: string[];
}

/**
 * Runs on one host newer than `runId` that must be undone before it, newest first; [] when none (or the run is
 * unknown). A newer run counts when it touched a target of `runId` or of another run already counted (so a run
 * that changed a file a blocking run changed blocks too); runs already rolled back changed nothing any more.
 */
export function blockingNewerRuns(entries: JournalEntry[], runId: string): BlockingRun[] {
  const ordered = [...entries].sort(compareRuns);
  const index = ordered.findIndex((e) => e.run_id === runId);
  if (index < 0) return [];
  const touched = targetsOfRun(ordered[index]!);
  const blocking: BlockingRun[] = [];
  for (const entry of ordered.slice(index + 1)) {
    if (entry.state === 'rolled-back') continue;
    const targets = targetsOfRun(entry);
    const shared = sharedTargets(touched, targets);
    if (shared.length === 0) continue;
    blocking.push({ entry, shared });
    for (const [id, label] of targets) if (!touched.has(id)) touched.set(id, label);
  }
  return blocking.reverse();
}

/** `newer run X changed nf_conntrack_max, /etc/sysctl.conf; …` */
export function describeBlocking(blocking: BlockingRun[]): string {
  return blocking.map((b) => `newer run ${b.entry.run_id} changed ${b.shared.join(', ')}`).join('; ');
}
