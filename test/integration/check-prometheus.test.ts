/**
 * `check --prometheus FILE` on lab hosts: lab1 full (count = max), lab2 with 1234 drops and 56 early drops
 * (lab.addDrops), lab3 healthy, `gone` unreachable. The file parses back (and passes promtool when installed),
 * replaces an older file by rename (never written in place), leaves no temp file; a missing directory is bad input.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labSkipReason } from '../lab/lab.js';
import { parseExposition, promtoolCheck, type ParsedMetric } from '../report/prometheus-parse.js';
import { closedPort, writeGroupedInventory } from './check-inventory.js';
import { countContacts, exec, onceEach, startCheckLab, type CheckLab } from './check-lab.js';
import { runCli, type CliResult } from './run-cli.js';

const skipReason = labSkipReason();
const portBase = 29300;
const nf = '/proc/sys/net/netfilter';

describe('check --prometheus on lab hosts', { skip: skipReason ?? false }, () => {
  let checkLab: CheckLab;
  let run: CliResult;
  let text: string;
  let metrics: Map<string, ParsedMetric>;
  let metricsDir: string;
  let oldInode: number;
  let inventory: string;

  before(async () => {
    checkLab = await startCheckLab(3, portBase);
    const { lab, tmp } = checkLab;
    await exec(lab, 'lab1', `echo 65536 > ${nf}/nf_conntrack_count`);
    await lab.addDrops('lab2', 1234);
    await lab.addDrops('lab2', 56, 'early_drop');
    inventory = path.join(tmp, 'grouped.yaml');
    await writeGroupedInventory(
      lab,
      inventory,
      { web: ['lab1', 'lab2'], db: ['lab3'] },
      { gone: { group: 'db', vars: { ansible_port: await closedPort() } } },
    );
    metricsDir = path.join(tmp, 'textfile');
    await mkdir(metricsDir);
    await writeFile(path.join(metricsDir, 'conntrack.prom'), 'stale\n');
    oldInode = (await stat(path.join(metricsDir, 'conntrack.prom'))).ino;
    run = await runCli([
      'check',
      '-i',
      inventory,
      '-o',
      'json',
      '--prometheus',
      path.join(metricsDir, 'conntrack.prom'),
    ]);
    text = await readFile(path.join(metricsDir, 'conntrack.prom'), 'utf8');
    metrics = parseExposition(text);
  });

  after(async () => {
    await checkLab?.down();
  });

  const value = (name: string, host: string) =>
    metrics.get(`conntrack_fleet_${name}`)?.samples.find((s) => s.labels['host'] === host)?.value;

  it('check exits 1 as without the flag (lab1 full, lab2 dropping, gone unreachable)', () => {
    assert.equal(run.exitCode, 1, run.stderr);
  });

  it('values per host, read back from the file', () => {
    assert.equal(value('entries', 'lab1'), 65536);
    assert.equal(value('usage_ratio', 'lab1'), 1);
    assert.equal(value('entries_limit', 'lab3'), 65536);
    assert.equal(value('stat_drop_total', 'lab2'), 1234);
    assert.equal(value('stat_early_drop_total', 'lab2'), 56);
    assert.equal(value('stat_insert_failed_total', 'lab2'), 0);
    assert.equal(value('up', 'lab3'), 1);
    assert.equal(value('up', 'gone'), 0);
    assert.equal(value('entries', 'gone'), undefined);
    const stamp = value('check_timestamp_seconds', 'lab1') ?? 0;
    assert.ok(Math.abs(stamp - Date.now() / 1000) < 600, `timestamp ${stamp} is now`);
  });

  it('group labels from the inventory', () => {
    const labels = metrics
      .get('conntrack_fleet_up')
      ?.samples.map((s) => `${s.labels['host']}=${s.labels['groups']}`)
      .sort();
    assert.deepEqual(labels, ['gone=,db,', 'lab1=,web,', 'lab2=,web,', 'lab3=,db,']);
  });

  it('promtool check metrics accepts the file (when installed)', (t) => {
    const verdict = promtoolCheck(text);
    if (verdict === null) return t.skip('promtool not installed (Debian package prometheus)');
    assert.ok(verdict.ok, verdict.output);
  });

  it('the old file was replaced by rename (new inode), no temp file left', async () => {
    assert.notEqual((await stat(path.join(metricsDir, 'conntrack.prom'))).ino, oldInode);
    assert.deepEqual(await readdir(metricsDir), ['conntrack.prom']);
  });

  it('a missing directory is bad input: exit 2, no host contacted', async () => {
    let bad: CliResult | undefined;
    const seen = await countContacts(checkLab.lab, async () => {
      bad = await runCli([
        'check',
        '-i',
        checkLab.lab.inventoryFile,
        '--prometheus',
        path.join(metricsDir, 'nope', 'x.prom'),
      ]);
    });
    assert.equal(bad?.exitCode, 2);
    assert.match(bad?.stderr ?? '', /--prometheus .*directory .*nope does not exist/);
    assert.deepEqual(seen, onceEach(checkLab.lab, []));
  });
});
