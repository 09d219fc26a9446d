/**
 * `advise` on lab hosts: lab2's count rises to 60000 of 65536, so demand × 2 asks for 131072; lab1 and lab3 are quiet
 * and keep 65536. --write-playbook writes a playbook `run --check` accepts unchanged with lab2's own value, and `run`
 * applies it. Bad input exits 2 before any host is contacted.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { parseKernelVersion, hasChainLimit } from '../../src/advise/kernel-version.js';
import type { AdviseHostJson } from '../../src/report/advise-json.js';
import { labSkipReason } from '../lab/lab.js';
import { countContacts, exec, onceEach, startCheckLab, type CheckLab, type SshdTally } from './check-lab.js';
import { runCli, type CliResult } from './run-cli.js';

const skipReason = labSkipReason();
const portBase = 29200;
const nf = '/proc/sys/net/netfilter';
const version = parseKernelVersion(os.release());
// the lab hosts run this machine's kernel
const bucketsFor = (max: number) => (version === null || hasChainLimit(version) ? max : max / 4);

describe('advise on lab hosts: per-host advice, a playbook run accepts', { skip: skipReason ?? false }, () => {
  let checkLab: CheckLab;
  let run: CliResult;
  let advice: Map<string, AdviseHostJson>;
  let contacts: Record<string, SshdTally>;
  let playbookFile: string;

  before(async () => {
    checkLab = await startCheckLab(3, portBase);
    const { lab } = checkLab;
    await exec(lab, 'lab2', `echo 60000 > ${nf}/nf_conntrack_count`);
    playbookFile = path.join(checkLab.tmp, 'advice.yaml');
    contacts = await countContacts(lab, async () => {
      run = await runCli(['advise', '-i', lab.inventoryFile, '-o', 'json', '--write-playbook', playbookFile]);
    });
    advice = new Map((JSON.parse(run.stdout) as AdviseHostJson[]).map((r) => [r.host, r]));
  });

  after(async () => {
    await checkLab?.down();
  });

  it('exit 0; one connection and one session per host', () => {
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(contacts, onceEach(checkLab.lab, ['lab1', 'lab2', 'lab3']));
  });

  it('lab2: demand 60000 × 2 → nf_conntrack_max 131072, buckets for this kernel, one reason per factor', () => {
    const lab2 = advice.get('lab2')?.advice;
    assert.equal(lab2?.max, 131072);
    assert.equal(lab2?.buckets, bucketsFor(131072));
    assert.match(lab2?.reasons[0] ?? '', /^demand: highest count seen 60000 \(now\) × headroom 2 = 120000$/);
    assert.deepEqual(
      lab2?.reasons.map((r) => r.split(':')[0]),
      ['demand', 'kube-proxy floor', 'max', 'kernel', 'memory', 'timeouts'],
    );
    assert.match(
      lab2?.reasons.find((r) => r.startsWith('memory:')) ?? '',
      /B \(\/proc\/slabinfo\)|default, \/proc\/slabinfo unreadable/,
    );
  });

  it('lab1 and lab3 are quiet: 65536 kept', () => {
    for (const host of ['lab1', 'lab3']) {
      assert.equal(advice.get(host)?.advice?.max, 65536, host);
      assert.match(advice.get(host)?.advice?.reasons[2] ?? '', /kept \(never lowered\)/);
    }
  });

  it('the written playbook: run --check accepts it unchanged and plans lab2 alone to 131072', async () => {
    const text = await readFile(playbookFile, 'utf8');
    assert.match(text, /per_host:\n\s+lab2:\n\s+value: 131072/);
    const check = await runCli(['run', playbookFile, '-i', checkLab.lab.inventoryFile, '--check', '-o', 'plain']);
    assert.equal(check.exitCode, 0, check.stderr + check.stdout);
    assert.match(check.stdout, /lab2: raise_max: nf_conntrack_max 65536 → 131072/);
    assert.match(check.stdout, /lab1: raise_max: nf_conntrack_max 65536 \(already\)/);
  });

  it('run applies it: lab2 reads 131072 back; advise then keeps it', async () => {
    const applied = await runCli(['run', playbookFile, '-i', checkLab.lab.inventoryFile, '-o', 'plain']);
    assert.equal(applied.exitCode, 0, applied.stderr + applied.stdout);
    assert.equal((await exec(checkLab.lab, 'lab2', `cat ${nf}/nf_conntrack_max`)).trim(), '131072');
    const again = await runCli(['advise', '-i', checkLab.lab.inventoryFile, '--limit', 'lab2', '-o', 'plain']);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, /lab2 {2}nf_conntrack_max 131072 \(kept\)/);
  });

  it('memory: advice above --memory-percent of RAM is refused (exit 1) and no playbook is written', async () => {
    await exec(checkLab.lab, 'lab3', `echo 1000000 > ${nf}/nf_conntrack_count`);
    const file = path.join(checkLab.tmp, 'refused.yaml');
    const refused = await runCli([
      'advise',
      '-i',
      checkLab.lab.inventoryFile,
      '--limit',
      'lab3',
      '--memory-percent',
      '0.1',
      '-o',
      'json',
      '--write-playbook',
      file,
    ]);
    assert.equal(refused.exitCode, 1, refused.stderr);
    const [lab3] = JSON.parse(refused.stdout) as AdviseHostJson[];
    assert.equal(lab3?.advice?.max, null);
    assert.match(
      lab3?.advice?.refusal ?? '',
      /^a full table of 2031616 entries needs .* more than 0\.1 % of RAM .*; at most \d+ entries fit/,
    );
    assert.match(refused.stderr, /no host has advice: .*refused\.yaml not written/);
    await assert.rejects(readFile(file), { code: 'ENOENT' });
  });

  it('bad input: --headroom 0 exits 2, no host contacted', async () => {
    let bad: CliResult | undefined;
    const seen = await countContacts(checkLab.lab, async () => {
      bad = await runCli(['advise', '-i', checkLab.lab.inventoryFile, '--headroom', '0']);
    });
    assert.equal(bad?.exitCode, 2);
    assert.match(bad?.stderr ?? '', /--headroom must be a number from 1 to 100, got "0"/);
    assert.deepEqual(seen, onceEach(checkLab.lab, []));
  });
});
