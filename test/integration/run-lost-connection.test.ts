/**
 * `run` losing a host's SSH connection in the middle of a step. persist's apply script pauses on one host at a
 * chosen `sync` (a wrapper in that host's /usr/local/sbin); the test then cuts every connection to that host
 * (SIGKILL to its per-connection socat: the TCP socket dies as in a network failure). The tool must reconnect and
 * restore the host exactly. The remote apply script does NOT die with the connection: it is let go once the tool
 * waits for it (a rollback blocked on the host's apply lock) — or once the run is over, if the tool never waits —
 * and must not undo the rollback.
 *   lab2 pauses at the sync that fsyncs /etc, AFTER the new sysctl.conf was renamed into place (a directory's fsync
 *     rides on the next sync(1): write-file.sh ctf_sync; here the one after the step's staged files are renamed)
 *   lab3 pauses at `sync /etc/.conntrack-fleet.TOKEN.N …`, just BEFORE that rename (the orphan renames it later)
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { contentFields, diffEtc, readHostFile, readKnobs, snapshotEtc } from './run-host-state.js';
import { cutConnections, installPause, processesIn, waitUntil, type Pause } from './run-inject.js';
import { useTestLab } from './lab-suite.js';
import {
  fixture,
  hostReport,
  labSkip,
  outcomesOf,
  requireReport,
  runPlaybook,
  transcript,
  type RunOutcome,
} from './run-lab.js';
import { expectTuned, readBefore, readTuneSpec, type HostBefore } from './run-tune-expect.js';

const portBase = 25400;
const playbook = fixture('tune-fast.yaml');
const spec = readTuneSpec(playbook);

const isShell = (argv: string[]): boolean => argv[0] === 'sh' || argv[0]?.endsWith('/sh') === true;
/** A change script of the tool waiting for the host's apply lock (`flock -w SECONDS FD`). */
const isLockWaiter = (argv: string[]): boolean => argv[0]?.endsWith('flock') === true && argv.includes('-w');

interface Scenario {
  host: string;
  /** sh test on sync's arguments: where the apply script stops. */
  when: string;
  /** Whether the new sysctl.conf is already in place at the pause. */
  renamed: boolean;
}

const scenarios: Scenario[] = [
  { host: 'lab2', when: 'case " $* " in *" /etc "*) true ;; *) false ;; esac', renamed: true },
  { host: 'lab3', when: 'case "${1:-}" in /etc/.conntrack-fleet.*) true ;; *) false ;; esac', renamed: false },
];

interface Observed {
  before: HostBefore;
  pause: Pause;
  midRunSysctl: string;
  cut: number;
}

describe('run: a connection lost mid-step is rolled back over a new connection', { skip: labSkip }, () => {
  const t = useTestLab('run-lost-connection', 1 + scenarios.length, portBase);
  let lab1Before: HostBefore;
  const observed = new Map<string, Observed>();
  let run: RunOutcome;
  let lockWaitSeen = false;
  const labHost = (name: string) => t.lab.hosts.find((h) => h.name === name)!;

  before(async () => {
    lab1Before = await readBefore(t.lab, 'lab1', spec);
    for (const s of scenarios) {
      const before = await readBefore(t.lab, s.host, spec);
      observed.set(s.host, {
        before,
        pause: await installPause(t.lab, s.host, 'sync', s.when, '/bin/sync'),
        midRunSysctl: '',
        cut: 0,
      });
    }
    let runOver = false;
    const running = runPlaybook(t, playbook).finally(() => (runOver = true));
    for (const s of scenarios) {
      const o = observed.get(s.host)!;
      await o.pause.reached();
      o.midRunSysctl = await readHostFile(t.lab, s.host, '/etc/sysctl.conf');
      o.cut = cutConnections(labHost(s.host));
    }
    const waiting = () => scenarios.every((s) => processesIn(labHost(s.host), isLockWaiter).length > 0);
    await waitUntil(
      () => runOver || waiting(),
      40_000,
      'a rollback waiting for the orphaned scripts, or the end of the run',
    );
    lockWaitSeen = !runOver && waiting();
    for (const s of scenarios) await observed.get(s.host)!.pause.release();
    run = await running;
    for (const s of scenarios) {
      await observed.get(s.host)!.pause.finished();
      await waitUntil(
        () => processesIn(labHost(s.host), isShell).length === 0,
        15_000,
        `the orphaned script on ${s.host} to end`,
      );
    }
  });

  it('exit 1: lab1 changed, the cut hosts rolled back (connection lost while applying persist)', () => {
    assert.equal(run.cli.exitCode, 1, transcript(run.cli));
    const report = requireReport(run);
    assert.deepEqual(outcomesOf(report), {
      lab1: 'changed',
      ...Object.fromEntries(scenarios.map((s) => [s.host, 'rolled-back'])),
    });
    for (const s of scenarios) {
      const result = hostReport(report, s.host);
      assert.match(result.error ?? '', /^persist: connection lost while applying/, s.host);
      assert.deepEqual(result.rollback_mismatches, [], s.host);
    }
  });

  for (const s of scenarios) {
    it(`${s.host}: cut ${s.renamed ? 'after' : 'before'} the rename of sysctl.conf; the pause was really mid-step`, () => {
      const o = observed.get(s.host)!;
      assert.ok(o.cut >= 1, `no connection to ${s.host} was open at the pause`);
      assert.equal(o.midRunSysctl !== o.before.sysctlText, s.renamed, 'sysctl.conf at the pause');
    });

    it(`${s.host}: exactly as before (knobs, /etc), also after the orphaned remote script ended`, async () => {
      const o = observed.get(s.host)!;
      assert.deepEqual(await readKnobs(t.lab, s.host), o.before.knobs);
      assert.deepEqual(diffEtc(o.before.etc, await snapshotEtc(t.lab, s.host), contentFields), []);
    });
  }

  it('the rollbacks waited for the orphaned apply scripts (apply lock) instead of racing them', () => {
    assert.ok(lockWaitSeen, 'no rollback was seen waiting in `flock -w` while the orphans were paused');
  });

  it('lab1 was tuned as usual', async () => {
    await expectTuned(t.lab, 'lab1', lab1Before, spec);
  });

  it('no lock or journal left blocking: the next run tunes lab2', async () => {
    const next = await runPlaybook(t, playbook, ['--limit', 'lab2']);
    assert.equal(next.cli.exitCode, 0, transcript(next.cli));
    assert.equal(hostReport(requireReport(next), 'lab2').outcome, 'changed');
    await expectTuned(t.lab, 'lab2', observed.get('lab2')!.before, spec);
  });
});
