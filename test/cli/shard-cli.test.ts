/**
 * `check --shard I/N` selects the slice in src/cli/hosts.ts (shared by check, run, rollback, runs): the slices of
 * N are disjoint and together the whole selection. The hosts point at a closed port on 127.0.0.1, so each is
 * `unreachable` at once; the JSON output names the hosts each shard tried.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { selectShard } from '../../src/inventory/shard.js';
import { runCli } from '../integration/run-cli.js';

const names = Array.from({ length: 9 }, (_, i) => `node${i + 1}`);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ctf-shard-'));
const inventory = path.join(dir, 'inv.yaml');
// port 1 on loopback: nothing listens there, so connect fails fast without leaving 127.0.0.1
writeFileSync(
  inventory,
  `all:\n  vars: {ansible_host: 127.0.0.1, ansible_port: 1}\n  hosts:\n${names.map((n) => `    ${n}:\n`).join('')}`,
);

async function shardHosts(shard: string): Promise<string[]> {
  const result = await runCli([
    'check',
    '-i',
    inventory,
    '--shard',
    shard,
    '-o',
    'json',
    '-F',
    'none',
    '--known-hosts',
    inventory,
  ]);
  assert.equal(result.exitCode, 1, `all unreachable: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { host: string }[]).map((h) => h.host).sort();
}

describe('check --shard', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('3 slices: disjoint, together every host, each the hash slice', async () => {
    const slices = await Promise.all(['1/3', '2/3', '3/3'].map(shardHosts));
    assert.deepEqual(slices.flat().sort(), [...names].sort());
    slices.forEach((slice, i) =>
      assert.deepEqual(
        slice,
        selectShard(
          names.map((name) => ({ name })),
          { index: i + 1, count: 3 },
        )
          .map((h) => h.name)
          .sort(),
      ),
    );
  });

  it('index/N reads JOB_COMPLETION_INDEX (0-based); without it: exit 2', async () => {
    const viaIndex = await runCli(
      ['check', '-i', inventory, '--shard', 'index/3', '-o', 'json', '-F', 'none', '--known-hosts', inventory],
      { env: { JOB_COMPLETION_INDEX: '0' } },
    );
    assert.deepEqual(
      (JSON.parse(viaIndex.stdout) as { host: string }[]).map((h) => h.host).sort(),
      await shardHosts('1/3'),
    );
    const missing = await runCli(['check', '-i', inventory, '--shard', 'index/3'], {
      env: { JOB_COMPLETION_INDEX: undefined },
    });
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /JOB_COMPLETION_INDEX is not set/);
  });
});
