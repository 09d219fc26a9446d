/** report merge: shard reports → one report and one exit code (outcome.ts rules); bad input names the file. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { mergeRunReports, parseRunReport } from '../../src/cli/report-merge.js';
import { InputError } from '../../src/errors.js';
import type { HostReport, RunReport } from '../../src/report/run-report.js';
import type { HostOutcome } from '../../src/runner/outcome.js';
import { runCli } from '../integration/run-cli.js';

const host = (name: string, outcome: HostOutcome, batch = 1): HostReport => ({
  host: name,
  outcome,
  batch,
  error: null,
  warnings: [],
  steps: [],
  rollback_mismatches: [],
});
const report = (
  runId: string,
  exitCode: number,
  hosts: HostReport[],
  started = '2026-11-30T01:00:00.000Z',
  finished = '2026-11-30T01:05:00.000Z',
): RunReport => ({
  run_id: runId,
  playbook: 'playbooks/tune.yaml',
  started_at: started,
  finished_at: finished,
  exit_code: exitCode,
  check_mode: false,
  hosts,
  summary: {} as RunReport['summary'],
  gates: [],
});

describe('mergeRunReports', () => {
  const cases: [string, RunReport[], number][] = [
    ['all changed → 0', [report('A', 0, [host('a', 'changed')]), report('B', 0, [host('b', 'unchanged')])], 0],
    [
      'one failed host in one shard → 1',
      [report('A', 0, [host('a', 'changed')]), report('B', 1, [host('b', 'rolled-back')])],
      1,
    ],
    [
      'one shard stopped its rollout → 3',
      [report('A', 0, [host('a', 'changed')]), report('B', 3, [host('b', 'failed'), host('c', 'skipped')])],
      3,
    ],
    [
      'a failed rollback beats a stop → 4',
      [report('A', 3, [host('a', 'failed')]), report('B', 4, [host('b', 'rollback-failed')])],
      4,
    ],
    [
      'an interrupted shard → 130',
      [report('A', 130, [host('a', 'changed')]), report('B', 0, [host('b', 'changed')])],
      130,
    ],
  ];
  for (const [name, reports, exitCode] of cases) {
    it(name, () => {
      const merged = mergeRunReports(reports.map((r, i) => ({ file: `s${i + 1}.json`, report: r })));
      assert.equal(merged.exit_code, exitCode);
      assert.equal(
        merged.hosts.length,
        reports.reduce((n, r) => n + r.hosts.length, 0),
      );
    });
  }

  it('counts, time span, run ids and shards', () => {
    const merged = mergeRunReports([
      {
        file: 'a.json',
        report: report(
          'A',
          0,
          [host('a', 'changed'), host('c', 'unchanged')],
          '2026-11-30T01:00:00.000Z',
          '2026-11-30T01:02:00.000Z',
        ),
      },
      {
        file: 'b.json',
        report: report('B', 0, [host('b', 'changed')], '2026-11-30T00:59:00.000Z', '2026-11-30T01:07:00.000Z'),
      },
    ]);
    assert.equal(merged.summary.changed, 2);
    assert.equal(merged.summary.unchanged, 1);
    assert.equal(merged.started_at, '2026-11-30T00:59:00.000Z');
    assert.equal(merged.finished_at, '2026-11-30T01:07:00.000Z');
    assert.equal(merged.run_id, null, 'different run ids');
    assert.deepEqual(
      merged.shards.map((s) => [s.file, s.run_id, s.hosts]),
      [
        ['a.json', 'A', 2],
        ['b.json', 'B', 1],
      ],
    );
  });

  it('a host in two reports is bad input naming both files', () => {
    assert.throws(
      () =>
        mergeRunReports([
          { file: 'a.json', report: report('A', 0, [host('x', 'changed')]) },
          { file: 'b.json', report: report('B', 0, [host('x', 'changed')]) },
        ]),
      (e: unknown) =>
        e instanceof InputError &&
        e.message === 'b.json: host x is also in a.json; shards must not overlap (same N, each I once)',
    );
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{', /^r\.json: not JSON/],
    ['a check -o json array', '[]', /^r\.json: not a JSON object; .*check -o json/],
    ['no hosts', '{"exit_code": 0}', /^r\.json: no "hosts" list/],
    ['a bad outcome', JSON.stringify(report('A', 0, [host('a', 'exploded' as HostOutcome)])), /unknown "outcome"/],
  ];
  const gate = (batch: number) => ({ batch, soak_ms: 1000, passed: true, failed_hosts: [] });
  const batchCases: [string, RunReport, number[], number[]][] = [
    [
      'batches from 1 are kept',
      { ...report('A', 0, [host('a', 'changed', 1), host('b', 'changed', 2)]), gates: [gate(1)] },
      [1, 2],
      [1],
    ],
    [
      'a report from before batches counted from 1 (it has a batch 0) is shifted by one',
      { ...report('A', 0, [host('a', 'changed', 0), host('b', 'changed', 1)]), gates: [gate(0)] },
      [1, 2],
      [1],
    ],
    ['a 0-based rollback report (every host batch 0)', report('A', 0, [host('a', 'rolled-back', 0)]), [1], []],
  ];
  for (const [name, input, hostBatches, gateBatches] of batchCases) {
    it(`parseRunReport: ${name}`, () => {
      const parsed = parseRunReport('r.json', JSON.stringify(input));
      assert.deepEqual(
        [parsed.hosts.map((h) => h.batch), parsed.gates.map((g) => g.batch)],
        [hostBatches, gateBatches],
      );
    });
  }

  for (const [name, text, message] of bad) {
    it(`parseRunReport: ${name}`, () =>
      assert.throws(
        () => parseRunReport('r.json', text),
        (e: unknown) => e instanceof InputError && message.test(e.message),
      ));
  }
});

describe('report merge (CLI)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ctf-merge-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, r: RunReport | string) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof r === 'string' ? r : JSON.stringify(r));
    return file;
  };

  it('writes the merged report with --report, says the summary on stderr, exits with the merged code', async () => {
    const a = write('a.json', report('A', 0, [host('a', 'changed')]));
    const b = write('b.json', report('B', 1, [host('b', 'unreachable')]));
    const out = path.join(dir, 'fleet.json');
    const result = await runCli(['report', 'merge', a, b, '--report', out]);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.equal(result.stderr, 'merged 2 reports: 2 hosts: 1 changed, 1 unreachable (exit 1)\n');
    const merged = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
    assert.deepEqual(
      merged.hosts.map((h) => h.host),
      ['a', 'b'],
    );
    assert.equal(merged.exit_code, 1);
  });

  it('check-mode shards: the summary says "would change", as each shard run said', async () => {
    const a = write('ca.json', { ...report('A', 0, [host('a', 'changed')]), check_mode: true });
    const b = write('cb.json', { ...report('B', 0, [host('b', 'changed'), host('c', 'unchanged')]), check_mode: true });
    const result = await runCli(['report', 'merge', a, b, '--report', path.join(dir, 'check.json')]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stderr, 'merged 2 reports: 3 hosts: 2 would change, 1 unchanged (exit 0)\n');
  });

  it('one report: "merged 1 report"', async () => {
    const result = await runCli(['report', 'merge', write('one.json', report('A', 0, [host('a', 'unchanged')]))]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stderr, 'merged 1 report: 1 host: 1 unchanged (exit 0)\n');
  });

  it('a file that is not a report: exit 2, the file named', async () => {
    const result = await runCli(['report', 'merge', write('ok.json', report('A', 0, [])), write('bad.json', '[]')]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /bad\.json: not a JSON object/);
  });
});
