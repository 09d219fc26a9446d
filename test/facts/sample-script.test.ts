import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseSample, sampleScript } from '../../src/facts/sample-script.js';
import { hasCommand, runScriptLocally } from './local-shell.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/facts/${name}`, import.meta.url), 'utf8');

describe('parseSample', () => {
  it('reads count, max, buckets and sums the stats rows', async () => {
    const stats = await fixture('stat-nf_conntrack.4.19-4cpu-handwritten.txt');
    const out = [
      '/proc/sys/net/netfilter/nf_conntrack_count:1200',
      '/proc/sys/net/nf_conntrack_max:65536',
      '/proc/sys/net/netfilter/nf_conntrack_buckets:16384',
      ...stats
        .trimEnd()
        .split('\n')
        .map((l) => `|${l}`),
      '@@done',
    ].join('\n');
    const sample = parseSample(out);
    assert.equal(sample?.count, 1200);
    assert.equal(sample?.max, 65536);
    assert.equal(sample?.buckets, 16384);
    assert.ok((sample?.stats?.drop ?? 0) > 0, 'drops summed over CPUs');
  });

  it('without @@done the sample is not trusted (null); missing values are null', () => {
    assert.equal(
      parseSample('/proc/sys/net/netfilter/nf_conntrack_count:1\n/proc/sys/net/netfilter/nf_conntrack_max:2\n'),
      null,
    );
    assert.deepEqual(parseSample('/proc/sys/net/netfilter/nf_conntrack_count:abc\n@@done\n'), {
      count: null,
      max: null,
      buckets: null,
      stats: null,
    });
  });
});

describe('sampleScript (run by the local sh)', () => {
  it('reads a stats file named by CONNTRACK_FLEET_STAT_FILE with builtins, and ends with @@done', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sample-script-'));
    try {
      const statFile = path.join(dir, 'stat');
      await writeFile(statFile, await fixture('stat-nf_conntrack.6.18-2cpu.txt'));
      const result = await runScriptLocally(`CONNTRACK_FLEET_STAT_FILE=${statFile}\n${sampleScript}`);
      assert.equal(result.exitCode, 0, result.stderr);
      const sample = parseSample(result.stdout);
      assert.ok(sample, result.stdout);
      assert.equal(sample.stats?.all['entries'], 0x18);
      assert.ok('chainlength' in (sample.stats?.all ?? {}));
      // one external command: the grep for the integer sysctls, which the shell's `read` cannot read
      assert.deepEqual(sampleScript.match(/\b(cat|awk|grep|sed|head|tail|od)\b/g), ['grep']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('sampleScript on this kernel (dash)', () => {
  // dash's `read` takes one byte at a time and proc_dointvec answers a read at offset > 0 with EOF: a script that
  // `read`s nf_conntrack_max gets its first digit. The sample must give the whole number.
  const maxFile = '/proc/sys/net/netfilter/nf_conntrack_max';
  it('reads nf_conntrack_max whole, as the kernel prints it', async (t) => {
    if (!hasCommand('dash')) return t.skip('dash is not installed');
    const expected = await readFile(maxFile, 'utf8').catch(() => null);
    if (expected === null) return t.skip(`${maxFile} is not on this machine (nf_conntrack not loaded)`);
    const result = await runScriptLocally(sampleScript, ['dash', '-s']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(parseSample(result.stdout)?.max, Number(expected.trim()));
  });
});
