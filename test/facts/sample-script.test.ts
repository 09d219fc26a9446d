import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseSample, sampleScript } from '../../src/facts/sample-script.js';
import { runScriptLocally } from './local-shell.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/facts/${name}`, import.meta.url), 'utf8');

describe('parseSample', () => {
  it('reads count, max, buckets and sums the stats rows', async () => {
    const stats = await fixture('stat-nf_conntrack.4.19-4cpu-handwritten.txt');
    const out = ['@@count 1200', '@@max 65536', '@@buckets 16384', ...stats.trimEnd().split('\n').map((l) => `|${l}`), '@@done'].join('\n');
    const sample = parseSample(out);
    assert.equal(sample?.count, 1200);
    assert.equal(sample?.max, 65536);
    assert.equal(sample?.buckets, 16384);
    assert.ok((sample?.stats?.drop ?? 0) > 0, 'drops summed over CPUs');
  });

  it('without @@done the sample is not trusted (null); missing values are null', () => {
    assert.equal(parseSample('@@count 1\n@@max 2\n'), null);
    assert.deepEqual(parseSample('@@count abc\n@@done\n'), { count: null, max: null, buckets: null, stats: null });
  });
});

describe('sampleScript (run by the local sh)', () => {
  it('reads a stats file named by CONNTRACK_FLEET_STAT_FILE with builtins only, and ends with @@done', async () => {
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
      // no external command: the script names none of cat, awk, grep, sed
      assert.doesNotMatch(sampleScript, /\b(cat|awk|grep|sed|head)\b/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
