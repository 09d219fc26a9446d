/**
 * unload_nat fails AFTER nf_conntrack was removed: reloading it brings back kernel defaults, so the rollback must also
 * write back the host's own max, table size and timeouts (the lab's modprobe resets them, as the kernel does).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { readKnobs, readModules, writeKnob, type LoadedModule } from './run-host-state.js';
import { installPause } from './run-inject.js';
import { useTestLab } from './lab-suite.js';
import {
  fixture,
  hostReport,
  labSkipWithout,
  requireReport,
  runPlaybook,
  transcript,
  type RunOutcome,
} from './run-lab.js';

const portBase = 25700;
/** What the lab's modprobe (like the kernel) gives nf_conntrack on a reload. */
const reloadDefaults = { max: '65536', tcp_timeout_established: '432000' };
const graphOf = (modules: LoadedModule[]): string[] =>
  modules.map((m) => `${m.name} <- ${[...m.holders].sort().join(',')}`).sort();

describe(
  'run unload_nat: a failure after nf_conntrack is gone restores the runtime values too',
  { skip: labSkipWithout() },
  () => {
    const t = useTestLab('run-unload-restore', 1, portBase);
    let knobsBefore: Record<string, string>;
    let modulesBefore: LoadedModule[];
    let run: RunOutcome;

    before(async () => {
      await writeKnob(t.lab, 'lab1', 'max', 100000);
      await writeKnob(t.lab, 'lab1', 'hashsize', 32768);
      await writeKnob(t.lab, 'lab1', 'tcp_timeout_established', 7200);
      await writeKnob(t.lab, 'lab1', 'udp_timeout', 45);
      knobsBefore = await readKnobs(t.lab, 'lab1');
      modulesBefore = await readModules(t.lab, 'lab1');
      // nf_defrag_ipv6 goes after nf_conntrack: pause there, then let "something" take a reference so its rmmod fails
      const pause = await installPause(t.lab, 'lab1', 'rmmod', '[ "$1" = nf_defrag_ipv6 ]', 'lab-kmod');
      const running = runPlaybook(t, fixture('unload-nat.yaml'), ['-o', 'plain']);
      await pause.reached();
      await t.lab.setModuleUse('lab1', 'nf_defrag_ipv6', 1);
      await pause.release();
      run = await running;
    });

    it('the host is rolled back, exit 1', () => {
      assert.equal(run.cli.exitCode, 1, transcript(run.cli));
      assert.equal(hostReport(requireReport(run), 'lab1').outcome, 'rolled-back', transcript(run.cli));
    });

    it('modules are back with the same holder graph', async () => {
      await t.lab.setModuleUse('lab1', 'nf_defrag_ipv6', 0);
      assert.deepEqual(graphOf(await readModules(t.lab, 'lab1')), graphOf(modulesBefore));
    });

    it('max, table size and every timeout equal the values from before the run, not the reload defaults', async () => {
      const now = await readKnobs(t.lab, 'lab1');
      assert.deepEqual(now, knobsBefore);
      assert.notEqual(knobsBefore['max'], reloadDefaults.max);
      assert.notEqual(knobsBefore['tcp_timeout_established'], reloadDefaults.tcp_timeout_established);
    });
  },
);
