/** `conntrack-fleet validate` through the real CLI: offline, batches and steps shown, exit 0 / 2 with FILE:LINE:COL. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../integration/run-cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ctf-validate-'));
const file = (name: string, text: string) => {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
};

describe('validate', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a valid playbook: exit 0, the hosts per batch and one line per step; no host contacted (the names do not resolve)', async () => {
    const result = await runCli([
      'validate',
      'playbooks/tune.yaml',
      '-i',
      'inventories/example.yaml',
      '--limit',
      'web:lb',
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines[1], 'inventory inventories/example.yaml: valid; hosts: "all" --limit web:lb → 6 hosts');
    assert.deepEqual(
      lines.filter((l) => l.startsWith('batch ')),
      [
        'batch 1/3 (1 host): web1.example.com',
        'batch 2/3 (1 host): web2.example.com',
        'batch 3/3 (4 hosts): web3.example.com, web4.example.com, lb1.example.com, lb2.example.com',
      ],
    );
    assert.deepEqual(
      lines.filter((l) => l.startsWith('step ')).map((l) => l.split(':')[0]),
      [
        'step 1 check_count "Current usage"',
        'step 2 raise_max',
        'step 3 set_hashsize',
        'step 4 set_timeouts',
        'step 5 persist',
      ],
    );
    assert.match(
      result.stdout,
      /^gate after each batch but the last: soak 10 s, then new drops ≤ 0, usage ≤ 90 %, else stop \(exit 3\)$/m,
    );
  });

  it('names from the playbook are shown with control characters escaped, as run shows them', async () => {
    const evil = file(
      'evil.yaml',
      'name: "evil \\e[31mred\\x07"\nhosts: all\nsteps:\n  - name: "Usage \\e[2J\\rX"\n    check_count: {}\n',
    );
    const result = await runCli(['validate', evil, '-i', 'inventories/example.yaml']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /[\u0000-\u0009\u000b-\u001f\u007f]/, 'no raw control character');
    assert.match(result.stdout, /\(evil \\x1b\[31mred\\x07\): valid, 1 step$/m);
    assert.match(result.stdout, /^step 1 check_count "Usage \\x1b\[2J\\rX": /m);
  });

  it('--canary and --shard change the batches as they would for run', async () => {
    const all = await runCli(['validate', 'playbooks/tune.yaml', '-i', 'inventories/example.ini', '--canary', '2']);
    assert.equal(all.exitCode, 0, all.stderr);
    assert.match(all.stdout, /^batch 1\/2 \(2 hosts\): web1\.example\.com, web2\.example\.com$/m);
    const counts = await Promise.all(
      ['1/2', '2/2'].map(async (shard) => {
        const r = await runCli(['validate', 'playbooks/check.yaml', '-i', 'inventories/example.ini', '--shard', shard]);
        assert.equal(r.exitCode, 0, r.stderr);
        return Number(/→ (\d+) hosts?/.exec(r.stdout)?.[1]);
      }),
    );
    assert.equal(counts[0]! + counts[1]!, 9, 'the two shards together hold every host once');
  });

  const bad: [string, string[], RegExp][] = [
    [
      'a misspelt step',
      [file('typo.yaml', 'hosts: all\nsteps:\n  - raise_maxx: {value: 1}\n'), '-i', 'inventories/example.yaml'],
      /typo\.yaml:3:5: /,
    ],
    [
      'an out-of-range value',
      [
        file('range.yaml', 'hosts: all\nsteps:\n  - check_count: {warn_above_percent: 120}\n'),
        '-i',
        'inventories/example.yaml',
      ],
      /range\.yaml:3:\d+: .*0-100/,
    ],
    [
      'a pattern matching nothing',
      [file('nohost.yaml', 'hosts: nosuchgroup\nsteps:\n  - check_count: {}\n'), '-i', 'inventories/example.yaml'],
      /nohost\.yaml:1:\d+: /,
    ],
    [
      'a bad --shard',
      ['playbooks/tune.yaml', '-i', 'inventories/example.yaml', '--shard', '3/2'],
      /--shard 3\/2: I must be 1-2/,
    ],
    ['a missing inventory', ['playbooks/tune.yaml', '-i', path.join(dir, 'none.yaml')], /none\.yaml/],
  ];
  for (const [name, args, stderr] of bad) {
    it(`${name}: exit 2, the position on stderr, nothing on stdout`, async () => {
      const result = await runCli(['validate', ...args]);
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stderr, stderr);
      assert.equal(result.stdout, '');
    });
  }
});
