/**
 * `check` output modes on lab hosts: plain (no ANSI, one line per host, a summary), color highlighting, the
 * warnings for a table over 80 % and for drops, and one unreachable host failing alone.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labSkipReason } from '../lab/lab.js';
import { readExpectedCheck, readNumber } from './check-host-state.js';
import { closedPort, writeGroupedInventory } from './check-inventory.js';
import { byHost, checkJson, exec, startCheckLab, statsStandinFile, type CheckLab } from './check-lab.js';
import { runCli, type CliResult } from './run-cli.js';

const skipReason = labSkipReason();
const portBase = 24400;
const hostNames = ['lab1', 'lab2', 'lab3'];
const nf = '/proc/sys/net/netfilter';
const ansi = /\x1b\[/;

/** `lab2!` or `lab2` → the line; the last line is the summary. */
function splitPlain(stdout: string): { hostLines: Map<string, string>; summary: string } {
  assert.ok(stdout.endsWith('\n'), 'output must end with a newline');
  const lines = stdout.slice(0, -1).split('\n');
  const summary = lines.pop() ?? '';
  const hostLines = new Map<string, string>();
  for (const line of lines) {
    if (/^\s/.test(line)) continue; // a problem line under its host
    const host = /^(\S+?)!?(?:\s|$)/.exec(line.replace(/\x1b\[\d+m/g, ''))?.[1] ?? '';
    assert.ok(!hostLines.has(host), `two lines for ${host}:\n${stdout}`);
    hostLines.set(host, line);
  }
  return { hostLines, summary };
}

describe('check: output modes and highlights', { skip: skipReason ?? false }, () => {
  let checkLab: CheckLab;

  before(async () => {
    checkLab = await startCheckLab(hostNames.length, portBase);
    // lab2: 850 of 1000 entries in use (85 %), over the default --warn-percent 80, under --fail-above-percent 90
    await exec(checkLab.lab, 'lab2', `echo 1000 > ${nf}/nf_conntrack_max && echo 850 > ${nf}/nf_conntrack_count`);
  });

  after(async () => {
    await checkLab?.down();
  });

  describe('plain', () => {
    let result: CliResult;
    before(async () => {
      result = await runCli(['check', '-i', checkLab.lab.inventoryFile, '-o', 'plain']);
    });

    it('no ANSI escapes, one line per host with its count/max as read on the host, a summary line; exit 0', async () => {
      assert.equal(result.exitCode, 0, JSON.stringify(result));
      assert.doesNotMatch(result.stdout, ansi);
      const { hostLines, summary } = splitPlain(result.stdout);
      assert.deepEqual([...hostLines.keys()].sort(), hostNames);
      assert.equal(summary, '3 hosts: 3 answered');
      for (const host of hostNames) {
        const count = await readNumber(checkLab.lab, host, `${nf}/nf_conntrack_count`);
        const max = await readNumber(checkLab.lab, host, `${nf}/nf_conntrack_max`);
        assert.ok(hostLines.get(host)?.includes(` count ${count}/${max} `), `${host}: ${hostLines.get(host)}`);
      }
    });

    it('the host over 80 % is marked `lab2!` with `WARN: usage 85.0% ≥ 80%`; the others carry no warning', () => {
      const { hostLines } = splitPlain(result.stdout);
      const lab2 = hostLines.get('lab2') ?? '';
      assert.match(lab2, /^lab2! /);
      assert.ok(lab2.endsWith('WARN: usage 85.0% ≥ 80%'), lab2);
      for (const host of ['lab1', 'lab3']) assert.doesNotMatch(hostLines.get(host) ?? '!', /!|WARN/);
    });
  });

  it('color (FORCE_COLOR=1): the warning is bold yellow, healthy lines stay unpainted', async () => {
    const result = await runCli(['check', '-i', checkLab.lab.inventoryFile, '-o', 'plain'], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const { hostLines } = splitPlain(result.stdout);
    const lab2 = hostLines.get('lab2') ?? '';
    assert.ok(lab2.startsWith('\x1b[1mlab2!\x1b[22m'), JSON.stringify(lab2));
    assert.ok(lab2.includes('\x1b[1m\x1b[33mWARN: usage 85.0% ≥ 80%'), JSON.stringify(lab2));
    assert.doesNotMatch(hostLines.get('lab1') ?? '\x1b[', ansi);
  });

  it("a host with drops > 0 (the lab's stats stand-in) is marked with `WARN: N drops` and `WARN: N insert_failed`; exit 1", async () => {
    await checkLab.lab.addDrops('lab3', 17);
    await checkLab.lab.addDrops('lab3', 2, 'insert_failed');
    const statFile = await statsStandinFile(checkLab.lab, 'lab3');
    const stats = (await readExpectedCheck(checkLab.lab, 'lab3', statFile ?? undefined)).conntrack?.stats;
    assert.deepEqual(
      [stats?.drop, stats?.insert_failed],
      [17, 2],
      `the stats file ${statFile} must hold the drops just added`,
    );
    const result = await runCli(['check', '-i', checkLab.lab.inventoryFile, '-o', 'plain']);
    assert.equal(result.exitCode, 1, result.stdout + result.stderr);
    const lab3 = splitPlain(result.stdout).hostLines.get('lab3') ?? '';
    assert.match(lab3, /^lab3! .* drops 17 /);
    assert.ok(lab3.endsWith('WARN: 17 drops  WARN: 2 insert_failed'), lab3);
  });

  describe('one unreachable host (a closed 127.0.0.1 port)', () => {
    let inventory = '';
    let deadPort = 0;
    before(async () => {
      deadPort = await closedPort();
      inventory = path.join(checkLab.tmp, 'with-dead.yaml');
      await writeGroupedInventory(
        checkLab.lab,
        inventory,
        { lab: hostNames },
        { dead: { group: 'lab', vars: { ansible_port: deadPort } } },
      );
    });

    it('json: parses; dead is listed unreachable with its reason, the 3 others answer; exit 1', async () => {
      const { result, hosts } = await checkJson(['-i', inventory]);
      assert.equal(result.exitCode, 1, result.stderr);
      assert.deepEqual(
        hosts.map((h) => h.host),
        [...hostNames, 'dead'],
      );
      const reported = byHost(hosts);
      const dead = reported.get('dead');
      assert.equal(dead?.reachable, false);
      assert.equal(dead?.conntrack, null);
      assert.equal(dead?.error, `dead (127.0.0.1:${deadPort}): connection refused (nothing listens on that port)`);
      for (const host of hostNames) {
        assert.equal(reported.get(host)?.error, null, `${host}: ${reported.get(host)?.error}`);
        assert.equal(
          reported.get(host)?.conntrack?.count,
          await readNumber(checkLab.lab, host, `${nf}/nf_conntrack_count`),
        );
      }
    });

    it('plain: `dead! unreachable: …` among the answers and `4 hosts: 3 answered, 1 unreachable`; exit 1', async () => {
      const result = await runCli(['check', '-i', inventory, '-o', 'plain']);
      assert.equal(result.exitCode, 1, result.stderr);
      const { hostLines, summary } = splitPlain(result.stdout);
      assert.match(hostLines.get('dead') ?? '', /^dead! +unreachable: .*connection refused/);
      for (const host of hostNames)
        assert.match(hostLines.get(host) ?? '', new RegExp(`^${host}!? +\\S+ +\\w+ +count \\d+/\\d+`));
      assert.equal(summary, '4 hosts: 3 answered, 1 unreachable, 1 with problems');
    });
  });
});
