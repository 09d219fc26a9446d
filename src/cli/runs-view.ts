/** `conntrack-fleet runs`: the runs recorded in the hosts' journals, with their state per host. */
import type { Command } from 'commander';
import { countOutcomes, exitCodeOf, readOutcome } from '../runner/outcome.js';
import { createPool, selectTargets } from './hosts.js';
import { type HostJournals, readJournals } from './journal-decisions.js';
import { addHostOptions, type HostOptionValues } from './options.js';
import { stringifyJson } from '../config/escape.js';

/** One host in `runs -o json` (snake_case, as every JSON report). */
export interface RunsHostJson {
  host: string;
  /** Why the journals could not be read, else null. */
  error: string | null;
  /** Only with `error`: its kind (errors.ts HostErrorKind: a connect failure, 'become', 'timeout', or 'journal'). */
  error_kind?: string;
  runs: {
    run_id: string;
    state: string;
    started_at: string;
    updated_at: string;
    playbook: string;
    /** How many changes the run planned, and how many it applied. */
    changes: number;
    applied: number;
  }[];
}

/** Pure. Oldest run first per host. */
export function toRunsJson(journals: HostJournals[]): RunsHostJson[] {
  return journals.map((j) => ({
    host: j.target.name,
    error: j.error,
    // readJournals gives every error its kind; 'journal' (the listing failed) for a caller that did not
    ...(j.error !== null && { error_kind: j.errorKind ?? 'journal' }),
    runs: j.entries.map((e) => ({
      run_id: e.run_id,
      state: e.state,
      started_at: e.started_at,
      updated_at: e.updated_at,
      playbook: e.playbook,
      changes: e.changes.length,
      applied: e.applied_count,
    })),
  }));
}

/** Pure. Oldest run first per host; JSON is one object per host (toRunsJson). */
export function renderRuns(journals: HostJournals[], json: boolean): string {
  if (json) return `${stringifyJson(toRunsJson(journals))}\n`;
  const lines: string[] = [];
  for (const j of journals) {
    if (j.error) lines.push(`${j.target.name}: unreachable: ${j.error}`);
    else if (j.entries.length === 0) lines.push(`${j.target.name}: no runs recorded`);
    for (const e of j.entries) {
      lines.push(
        `${j.target.name}: ${e.run_id}  ${e.state.padEnd(15)} ${e.started_at}  ${e.playbook}  ${e.applied_count}/${e.changes.length} changes applied`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerRuns(program: Command): void {
  const command = program
    .command('runs')
    .description(
      "List the runs recorded in the hosts' journals, oldest first, with their state per host (applying = interrupted or crashed: roll it back).",
    )
    .addHelpText('after', '\nExample:\n  conntrack-fleet runs -i inventories/lab.yaml');
  addHostOptions(command).action(async (values: HostOptionValues) => {
    const selection = selectTargets(values);
    const pool = createPool(selection);
    try {
      const journals = await readJournals(pool, selection.targets, selection.forks);
      process.stdout.write(renderRuns(journals, selection.format === 'json'));
      process.exitCode = exitCodeOf(
        { counts: countOutcomes(journals.map((j) => readOutcome({ reachable: j.error === null, error: null }))) },
        'runs',
      );
    } finally {
      await pool.closeAll();
    }
  });
}
