/**
 * Issue 13 §1: a change script sent before a connection loss must not apply after the rollback. lab1's set_timeouts
 * script (the run's 2nd change script: the lab's hashsize already is max/4) is held BEFORE it takes the host's apply
 * lock (a wrapper around `flock -w` in the host's /usr/local/sbin), then every connection to lab1 is cut. The tool
 * reconnects and rolls raise_max back (and set_timeouts, which never ran); only after the run has ended (the rollback verified exact) is the held script let go. It must find its step no
 * longer current (the ticket says `RUN undo`, journal.sh cf_ticket) and exit without writing anything.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { contentFields, diffEtc, execOk, readKnobs, snapshotEtc } from './run-host-state.js';
import { cutConnections, installPause, processesIn, waitUntil, type Pause } from './run-inject.js';
import { useTestLab } from './lab-suite.js';
import { fixture, hostReport, labSkip, requireReport, runPlaybook, transcript, type RunOutcome } from './run-lab.js';
import { readBefore, readTuneSpec, type HostBefore } from './run-tune-expect.js';

const portBase = 25850;
const playbook = fixture('tune-fast.yaml');
const spec = readTuneSpec(playbook);
const isShell = (argv: string[]): boolean => argv[0] === 'sh' || argv[0]?.endsWith('/sh') === true;
// the 2nd `flock -w` (the apply lock of the run's 2nd change script) stops; the host lock's `flock -n` is not counted
const secondApplyLock =
  '[ "${1:-}" = -w ] && n=$(($(cat /run/ctf-flock-count 2>/dev/null || echo 0) + 1)) && echo "$n" > /run/ctf-flock-count && [ "$n" -eq 2 ]';

describe(
  'run: a step script held before the apply lock across a lost connection never applies after the rollback',
  { skip: labSkip },
  () => {
    const t = useTestLab('run-late-script', 1, portBase);
    let hostBefore: HostBefore;
    let pause: Pause;
    let run: RunOutcome;
    let afterRollback: { knobs: Record<string, string>; journal: string; ticket: string };
    let cut = 0;

    before(async () => {
      hostBefore = await readBefore(t.lab, 'lab1', spec);
      pause = await installPause(t.lab, 'lab1', 'flock', secondApplyLock, '/usr/bin/flock');
      const running = runPlaybook(t, playbook);
      await pause.reached();
      cut = cutConnections(t.lab.hosts[0]!);
      run = await running;
      const report = requireReport(run);
      afterRollback = {
        knobs: await readKnobs(t.lab, 'lab1'),
        journal: await execOk(t.lab, 'lab1', `cat /var/lib/conntrack-fleet/journal/${report.run_id}.json`),
        ticket: await execOk(t.lab, 'lab1', 'cat /run/conntrack-fleet.step'),
      };
      // now the late script takes the apply lock
      await pause.release();
      await pause.finished();
      await waitUntil(
        () => processesIn(t.lab.hosts[0]!, isShell).length === 0,
        15_000,
        'the late script on lab1 to end',
      );
    });

    it('the script was really held mid-run and the connection cut', () => {
      assert.ok(cut >= 1, 'no connection to lab1 was open at the pause');
    });

    it('exit 1: lab1 rolled back exactly after the lost connection (set_timeouts)', () => {
      assert.equal(run.cli.exitCode, 1, transcript(run.cli));
      const result = hostReport(requireReport(run), 'lab1');
      assert.equal(result.outcome, 'rolled-back', transcript(run.cli));
      assert.match(result.error ?? '', /^set_timeouts: connection lost while applying/);
      assert.deepEqual(result.rollback_mismatches, []);
      assert.deepEqual(afterRollback.knobs, hostBefore.knobs);
    });

    it('the rollback moved the ticket to `RUN undo` and marked the journal rolled-back', () => {
      const runId = requireReport(run).run_id;
      assert.equal(afterRollback.ticket.trim(), `${runId} undo`);
      assert.equal((JSON.parse(afterRollback.journal) as { state: string }).state, 'rolled-back');
    });

    it('the late script wrote nothing: knobs, /etc, the journal and the ticket are as the rollback left them', async () => {
      const report = requireReport(run);
      assert.deepEqual(await readKnobs(t.lab, 'lab1'), hostBefore.knobs);
      assert.deepEqual(diffEtc(hostBefore.etc, await snapshotEtc(t.lab, 'lab1'), contentFields), []);
      assert.equal(
        await execOk(t.lab, 'lab1', `cat /var/lib/conntrack-fleet/journal/${report.run_id}.json`),
        afterRollback.journal,
      );
      assert.equal(await execOk(t.lab, 'lab1', 'cat /run/conntrack-fleet.step'), afterRollback.ticket);
    });
  },
);
