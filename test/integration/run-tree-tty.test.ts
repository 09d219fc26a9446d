/**
 * The live tree on a real pseudo-terminal (util-linux `script`, 120×40) against 30 lab hosts: drawing it must not
 * change the run. Every host stays reachable (a renderer that starves the event loop makes SSH handshakes time out),
 * the outcomes match the plain run's, and past the terminal's height the tree shows batch counts and the hosts that
 * need a look instead of one line per host. lab3's /etc/sysctl.conf is immutable, so the real run has a rollback.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { useTestLab } from './lab-suite.js';
import { runCliTimed, stripTerminal, type TimedCliResult } from '../bench/tty-cli.js';
import { setImmutable } from './run-inject.js';
import { fixture, labSkipWithout, shippedPlaybook, transcript, type RunReport, type TestLab } from './run-lab.js';

const portBase = 26800;
const hostCount = 30;
const tty = { columns: 120, rows: 40 };

interface TtyRun {
  cli: TimedCliResult;
  report: RunReport;
  /** What the terminal shows at the end: the final frame, notes and the summary line, escapes removed. */
  final: string[];
  /** Every live frame, escapes removed, as lines. */
  frames: string[][];
}

let runs = 0;

async function runOnTty(t: TestLab, playbook: string, args: string[]): Promise<TtyRun> {
  runs += 1;
  const reportFile = path.join(t.tmp, `tty-report-${runs}.json`);
  const cli = await runCliTimed(['run', playbook, '-i', t.lab.inventoryFile, '--report', reportFile, ...args], {
    tty,
    timeoutMs: 120_000,
  });
  const report = JSON.parse(await readFile(reportFile, 'utf8').catch(() => 'null')) as RunReport | null;
  assert.ok(report, `no report\n${transcript(cli)}`);
  // log-update starts each redraw by erasing the last frame, ending with cursor-to-column-1 (ESC [G)
  const chunks = cli.stdout.split('\x1b[G').map((chunk) =>
    stripTerminal(chunk)
      .split('\n')
      .filter((line) => line.trim() !== ''),
  );
  return { cli, report, final: chunks.at(-1) ?? [], frames: chunks.slice(0, -1).filter((lines) => lines.length > 0) };
}

function expectEveryFrameFits(run: TtyRun): void {
  assert.ok(run.frames.length > 0, `no live frame\n${transcript(run.cli)}`);
  for (const frame of run.frames)
    assert.ok(frame.length < tty.rows, `a live frame of ${frame.length} lines:\n${frame.join('\n')}`);
}

describe('the live tree on a terminal, 30 lab hosts', { skip: labSkipWithout('chattr', 'script', 'stty') }, () => {
  const t = useTestLab('run-tree-tty', hostCount, portBase, {
    beforeDown: async (t) => {
      await t.lab.exec('lab3', 'chattr -i /etc/sysctl.conf').catch(() => undefined);
    },
  });

  before(async () => {
    await setImmutable(t.lab, 'lab3', '/etc/sysctl.conf', true);
  });

  it('run --check of the shipped playbook (3 batches): every host reachable and changed, batch counts past the height', async () => {
    const run = await runOnTty(t, shippedPlaybook('tune.yaml'), ['--check']);
    assert.equal(run.cli.exitCode, 0, transcript(run.cli));
    assert.equal(run.report.hosts.length, hostCount);
    assert.deepEqual(
      run.report.hosts.filter((h) => h.outcome !== 'changed').map((h) => `${h.host}: ${h.outcome} ${h.error}`),
      [],
    );
    // the summary, then the run id line (stderr, on the same terminal); --check says "would change"
    assert.equal(run.final.at(-2), `${hostCount} hosts: ${hostCount} would change (exit 0)`);
    assert.equal(run.final.at(-1), `run ${run.report.run_id}: finished, exit 0`);
    const batchLines = run.final.filter((line) => /^✔ batch \d\/3 \(\d+ hosts?\) — changed \d+$/.test(line));
    assert.equal(batchLines.length, 3, run.final.join('\n'));
    const counted = batchLines.reduce((sum, line) => sum + Number(/changed (\d+)$/.exec(line)?.[1]), 0);
    assert.equal(counted, hostCount);
    assert.ok(!run.final.some((line) => /lab\d+ — /.test(line)), 'no per-host lines when nothing needs a look');
    expectEveryFrameFits(run);
  });

  it('a real run: 29 changed, lab3 rolled back and shown as such; outcomes as in the JSON report', async () => {
    const run = await runOnTty(t, fixture('tune-fast.yaml'), []);
    assert.equal(run.cli.exitCode, 1, transcript(run.cli));
    const outcomes = Object.fromEntries(run.report.hosts.map((h) => [h.host, h.outcome]));
    assert.equal(outcomes['lab3'], 'rolled-back', transcript(run.cli));
    assert.deepEqual(
      run.report.hosts
        .filter((h) => h.host !== 'lab3' && h.outcome !== 'changed')
        .map((h) => `${h.host}: ${h.outcome} ${h.error}`),
      [],
    );
    assert.equal(run.final.at(-2), `${hostCount} hosts: ${hostCount - 1} changed, 1 rolled-back (exit 1)`);
    assert.match(
      run.final.at(-1) ?? '',
      new RegExp(
        `^run ${run.report.run_id}: finished, exit 1; undo with: conntrack-fleet rollback --run ${run.report.run_id} -i `,
      ),
    );
    assert.ok(
      run.final.includes(`✖ batch 1/1 (${hostCount} hosts) — changed ${hostCount - 1}, rolled back 1`),
      run.final.join('\n'),
    );
    assert.ok(
      run.final.some((line) => /^ {2}✖ lab3 — rolled back: persist: .*Operation not permitted/.test(line)),
      run.final.join('\n'),
    );
    expectEveryFrameFits(run);
  });
});
