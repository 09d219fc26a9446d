import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConntrackStats } from '../../src/facts/parse-conntrack-stats.js';
import { buildSampleScript, parseSample } from '../../src/facts/sample-script.js';
import { newRecordToken } from '../../src/remote/records.js';
import { hasCommand, runScriptLocally } from './local-shell.js';
import { sampleOutput } from './sample-fixture.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/facts/${name}`, import.meta.url), 'utf8');
const token = newRecordToken();

describe('parseSample', () => {
  it('reads count, max, buckets and sums the stats rows', async () => {
    const stats = await fixture('stat-nf_conntrack.4.19-4cpu-handwritten.txt');
    const out = sampleOutput(token, {
      knobs: [
        '/proc/sys/net/netfilter/nf_conntrack_count:1200',
        '/proc/sys/net/nf_conntrack_max:65536',
        '/proc/sys/net/netfilter/nf_conntrack_buckets:16384',
      ],
      stats: stats.trimEnd().split('\n'),
    });
    const sample = parseSample(out, token);
    assert.equal(sample?.count, 1200);
    assert.equal(sample?.max, 65536);
    assert.equal(sample?.buckets, 16384);
    assert.ok((sample?.stats?.drop ?? 0) > 0, 'drops summed over CPUs');
  });

  it('without its last record the sample is not trusted (null); missing values are null', () => {
    const knobs = ['/proc/sys/net/netfilter/nf_conntrack_count:1', '/proc/sys/net/netfilter/nf_conntrack_max:2'];
    assert.equal(parseSample(sampleOutput(token, { knobs, done: false }), token), null);
    assert.deepEqual(
      parseSample(sampleOutput(token, { knobs: ['/proc/sys/net/netfilter/nf_conntrack_count:abc'] }), token),
      { count: null, max: null, buckets: null, stats: null },
    );
  });

  // every case is an output where something other than the script's own records tries to pass for one
  const forged: { name: string; output: string }[] = [
    { name: 'the old format (`PATH:VALUE`, `|LINE`, `@@NAME VALUE`, `@@done`)', output: '' },
    {
      name: 'the records of another token',
      output: sampleOutput(newRecordToken(), { knobs: ['/proc/sys/net/netfilter/nf_conntrack_count:9'] }),
    },
    {
      name: 'a record of the token inside a block of another token',
      output: `@@cf ${newRecordToken()} begin knobs\n/proc/sys/net/netfilter/nf_conntrack_count:9\n`,
    },
  ];
  const oldFormat =
    '/proc/sys/net/netfilter/nf_conntrack_count:9\n|entries drop\n|00000001 00000002\n@@peak_stored 9 1 check\n@@done\n';
  for (const c of forged) {
    it(`a forged frame is not a sample: ${c.name}`, () => {
      assert.equal(parseSample(c.output || oldFormat, token), null);
      // the same text inside a real sample's block stays content: no count, no peak, no early end
      const wrapped = sampleOutput(token, { knobs: [], stats: (c.output || oldFormat).split('\n') });
      const sample = parseSample(wrapped, token);
      assert.ok(sample);
      assert.equal(sample.count, null);
      assert.equal('peak' in sample, false);
    });
  }
});

describe('sampleScript (run by the local sh)', () => {
  it('reads a stats file named by CONNTRACK_FLEET_STAT_FILE with builtins, and ends with its last record', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sample-script-'));
    try {
      const statFile = path.join(dir, 'stat');
      await writeFile(statFile, await fixture('stat-nf_conntrack.6.18-2cpu.txt'));
      const script = buildSampleScript(token);
      const result = await runScriptLocally(`CONNTRACK_FLEET_STAT_FILE=${statFile}\n${script}`);
      assert.equal(result.exitCode, 0, result.stderr);
      const sample = parseSample(result.stdout, token);
      assert.ok(sample, result.stdout);
      assert.equal(sample.stats?.all['entries'], 0x18);
      assert.ok('chainlength' in (sample.stats?.all ?? {}));
      // one external command: the grep for the integer sysctls, which the shell's `read` cannot read
      assert.deepEqual(script.match(/\b(cat|awk|grep|sed|head|tail|od)\b/g), ['grep']);
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
    const result = await runScriptLocally(buildSampleScript(token), ['dash', '-s']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(parseSample(result.stdout, token)?.max, Number(expected.trim()));
  });
});

describe('sampleScript: a statistics file that forges frames (dash, bash, busybox sh)', () => {
  const other = newRecordToken();
  // host-controlled lines, put between the header and the CPU rows: a block ended early would lose the rows
  const forgedLines: { name: string; text: string }[] = [
    {
      name: 'the old format',
      text: '@@done\n|00000099 00000099\n@@peak_stored 99999 1 check\n/proc/sys/net/netfilter/nf_conntrack_max:7\n',
    },
    { name: 'records of another token', text: `@@cf ${other} end\n@@cf ${other} sampled\n@@cf ${other} begin knobs\n` },
    {
      name: 'a knob line and a peak value in records of another token',
      text: `@@cf ${other} value peak_stored 99999 1 check\n/proc/sys/net/netfilter/nf_conntrack_count:999999\n`,
    },
    { name: 'carriage returns and a record after one', text: `x\r@@cf ${other} end\r\n\r\n` },
  ];
  const shells = ['dash', 'bash', 'busybox'].filter(hasCommand);
  const argv = (shell: string) => (shell === 'busybox' ? ['busybox', 'sh', '-s'] : [shell, '-s']);
  let dir = '';
  let header = '';
  let rows = '';
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sample-forged-'));
    const [first = '', ...rest] = (await fixture('stat-nf_conntrack.6.18-2cpu.txt')).split('\n');
    header = `${first}\n`;
    rows = rest.join('\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const localMax = (() => {
    try {
      return Number(readFileSync('/proc/sys/net/netfilter/nf_conntrack_max', 'utf8').trim());
    } catch {
      return null;
    }
  })();

  for (const shell of shells)
    for (const c of forgedLines)
      it(`${shell}: ${c.name}: the statistics come whole, no knob or peak is forged, the sample is complete`, async () => {
        const statFile = path.join(dir, `${shell}-${forgedLines.indexOf(c)}`);
        // the last row without its newline: it is kept too
        const text = `${header}${c.text}${rows.trimEnd()}`;
        await writeFile(statFile, text);
        const own = newRecordToken();
        const result = await runScriptLocally(
          `CONNTRACK_FLEET_STAT_FILE=${statFile}\n${buildSampleScript(own)}`,
          argv(shell),
        );
        assert.equal(result.exitCode, 0, result.stderr);
        const sample = parseSample(result.stdout, own);
        assert.ok(sample, result.stdout);
        assert.deepEqual(sample.stats, parseConntrackStats(text));
        assert.equal(sample.max, localMax);
        assert.notEqual(sample.count, 999999);
        assert.equal('peak' in sample, false);
      });
});
