/**
 * `check` as an alarm on lab hosts: lab1's table is full (count = max, 100 %), lab2 drops packets (1234 in the stats
 * stand-in, lab.addDrops), lab3 is healthy. Problems are listed (JSON and plain), and make `check` exit 1 unless
 * `--no-fail`; `--fail-above-percent` moves the usage threshold.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CheckJson } from '../../src/report/check-json.js';
import { labSkipReason } from '../lab/lab.js';
import { readExpectedCheck, readNumber } from './check-host-state.js';
import { byHost, checkJson, exec, startCheckLab, statsStandinFile, type CheckLab } from './check-lab.js';
import { runCli, type CliResult } from './run-cli.js';

const skipReason = labSkipReason();
const portBase = 27400;
const nf = '/proc/sys/net/netfilter';
const usageAlarm = /^usage 100\.0% ≥ 90% \(65536 of nf_conntrack_max 65536\)$/;
const dropAlarm = /^1234 drops \(packets dropped: table full or entry not created\)$/;

describe(
  'check as an alarm: a full host and a dropping host fail it, --no-fail only reports',
  { skip: skipReason ?? false },
  () => {
    let checkLab: CheckLab;
    let run: CliResult;
    let reported: Map<string, CheckJson>;

    before(async () => {
      checkLab = await startCheckLab(3, portBase);
      const { lab } = checkLab;
      await exec(lab, 'lab1', `echo 65536 > ${nf}/nf_conntrack_max && echo 65536 > ${nf}/nf_conntrack_count`);
      await lab.addDrops('lab2', 1234);
      const answer = await checkJson(['-i', lab.inventoryFile]);
      run = answer.result;
      reported = byHost(answer.hosts);
    });

    after(async () => {
      await checkLab?.down();
    });

    it('the setup took: lab1 is full and lab2 has 1234 drops when read directly', async () => {
      const { lab } = checkLab;
      assert.equal(
        await readNumber(lab, 'lab1', `${nf}/nf_conntrack_count`),
        await readNumber(lab, 'lab1', `${nf}/nf_conntrack_max`),
      );
      const stats = (await readExpectedCheck(lab, 'lab2', (await statsStandinFile(lab, 'lab2')) ?? undefined)).conntrack
        ?.stats;
      assert.equal(stats?.drop, 1234);
    });

    it('json: exit 1; lab1 and lab2 have alarm: true and their problems, lab3 none', () => {
      assert.equal(run.exitCode, 1, run.stderr);
      assert.equal(reported.get('lab1')?.alarm, true);
      assert.match(reported.get('lab1')?.problems[0] ?? '', usageAlarm);
      assert.equal(reported.get('lab2')?.alarm, true);
      assert.match(reported.get('lab2')?.problems[0] ?? '', dropAlarm);
      assert.equal(reported.get('lab3')?.alarm, false);
      assert.deepEqual(reported.get('lab3')?.problems, []);
    });

    it('plain: the problems are listed under their hosts, the summary counts them; exit 1', async () => {
      const result = await runCli(['check', '-i', checkLab.lab.inventoryFile, '-o', 'plain']);
      assert.equal(result.exitCode, 1, result.stderr);
      const lines = result.stdout.trimEnd().split('\n');
      const under = (host: string) => {
        const start = lines.findIndex((l) => l.startsWith(`${host}!`));
        assert.ok(start >= 0, `no marked line for ${host}:\n${result.stdout}`);
        const rest = lines.slice(start + 1);
        const end = rest.findIndex((l) => !/^\s/.test(l));
        return rest.slice(0, end < 0 ? rest.length : end).map((l) => l.trim());
      };
      const problemsOf = (host: string) => under(host).map((l) => l.replace(/^problem: /, ''));
      assert.ok(
        problemsOf('lab1').some((l) => usageAlarm.test(l)),
        result.stdout,
      );
      assert.ok(
        problemsOf('lab2').some((l) => dropAlarm.test(l)),
        result.stdout,
      );
      assert.ok(
        lines.some((l) => /^lab3 /.test(l)),
        'lab3 unmarked',
      );
      assert.equal(lines.at(-1), '3 hosts: 3 answered, 2 with problems');
    });

    it('--no-fail: exit 0, the same problems reported', async () => {
      const { result, hosts } = await checkJson(['-i', checkLab.lab.inventoryFile, '--no-fail']);
      assert.equal(result.exitCode, 0, result.stderr);
      const noFail = byHost(hosts);
      assert.deepEqual(noFail.get('lab1')?.problems, reported.get('lab1')?.problems);
      assert.deepEqual(noFail.get('lab2')?.problems, reported.get('lab2')?.problems);
    });

    it('--fail-above-percent 101: the full host alone passes; default 90 fails it', async () => {
      const passing = await checkJson([
        '-i',
        checkLab.lab.inventoryFile,
        '--limit',
        'lab1',
        '--fail-above-percent',
        '101',
      ]);
      assert.equal(passing.result.exitCode, 0, passing.result.stderr);
      assert.deepEqual(passing.hosts[0]?.problems, []);
      const failing = await checkJson(['-i', checkLab.lab.inventoryFile, '--limit', 'lab1']);
      assert.equal(failing.result.exitCode, 1, failing.result.stderr);
    });

    it('--fail-above-percent 0 is bad input: exit 2', async () => {
      const result = await runCli(['check', '-i', checkLab.lab.inventoryFile, '--fail-above-percent', '0']);
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stderr, /--fail-above-percent must be an integer ≥ 1, got "0"/);
    });

    it('check --help documents the rule and the exit codes', async () => {
      const result = await runCli(['check', '--help']);
      assert.equal(result.exitCode, 0);
      for (const text of [
        '--fail-above-percent <n>',
        '--no-fail',
        'Exit codes: 0 every host answered and none has a problem',
      ]) {
        assert.ok(result.stdout.includes(text), `missing ${text} in\n${result.stdout}`);
      }
    });
  },
);
