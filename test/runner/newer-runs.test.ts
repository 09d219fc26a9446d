/** Pure: which newer runs on a host must be undone before an older one (and so refuse it without --include-newer). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knobPaths } from '../../src/facts/types.js';
import type { JournalEntry, JournalState } from '../../src/runner/journal.js';
import { blockingNewerRuns, describeBlocking } from '../../src/runner/newer-runs.js';
import type { Change } from '../../src/changes/change.js';
import { textFile } from '../fixtures/steps/facts.js';

const max = (before: string, after: string): Change => ({
  kind: 'knob',
  key: 'net.netfilter.nf_conntrack_max',
  path: knobPaths.max,
  before,
  after,
});
const maxAlias: Change = {
  kind: 'knob',
  key: 'net.nf_conntrack_max',
  path: knobPaths.maxAlias,
  before: '1',
  after: '2',
};
const timeout: Change = {
  kind: 'knob',
  key: 'net.netfilter.nf_conntrack_udp_timeout',
  path: '/proc/sys/net/netfilter/nf_conntrack_udp_timeout',
  before: '30',
  after: '60',
};
const hashsize: Change = {
  kind: 'knob',
  key: 'nf_conntrack.hashsize',
  path: knobPaths.hashsize,
  before: '1',
  after: '2',
  mirrors: [{ key: 'nf_conntrack_buckets', path: knobPaths.buckets }],
};
const buckets: Change = { kind: 'knob', key: 'nf_conntrack_buckets', path: knobPaths.buckets, before: '1', after: '2' };
const conf: Change = { kind: 'file', path: '/etc/sysctl.conf', before: textFile('a\n'), after: textFile('b\n') };
const linkedConf: Change = {
  kind: 'file',
  path: '/etc/sysctl.conf',
  before: {
    ...textFile('a\n'),
    links: [{ path: '/etc/sysctl.conf', target: 'sysctl.d/99-sysctl.conf' }],
    realPath: '/etc/sysctl.d/99-sysctl.conf',
  },
  after: {
    ...textFile('b\n'),
    links: [{ path: '/etc/sysctl.conf', target: 'sysctl.d/99-sysctl.conf' }],
    realPath: '/etc/sysctl.d/99-sysctl.conf',
  },
};
const dropIn: Change = {
  kind: 'file',
  path: '/etc/sysctl.d/99-sysctl.conf',
  before: textFile('a\n'),
  after: textFile('c\n'),
};
const unloadConntrack: Change = { kind: 'module-unload', module: 'nf_conntrack' };
const unloadNat: Change = { kind: 'module-unload', module: 'iptable_nat' };

let clock = 0;
function run(id: string, changes: Change[], state: JournalState = 'done', applied = changes.length): JournalEntry {
  clock += 1;
  const at = `2026-11-29T10:00:${String(clock).padStart(2, '0')}.000Z`;
  return {
    version: 1,
    run_id: id,
    playbook: 'p.yaml',
    host: 'lab1',
    started_at: at,
    updated_at: at,
    state,
    changes,
    applied_count: applied,
  };
}

describe('blockingNewerRuns', () => {
  const table: { name: string; runs: () => JournalEntry[]; target: string; blocking: string[]; message?: string }[] = [
    {
      name: 'the newest run is never blocked',
      runs: () => [run('A', [max('1', '2')]), run('C', [max('2', '3')])],
      target: 'C',
      blocking: [],
    },
    {
      name: 'a newer run on the same knob blocks',
      runs: () => [run('A', [max('1', '2'), conf]), run('C', [max('2', '3'), conf])],
      target: 'A',
      blocking: ['C'],
      message: 'newer run C changed net.netfilter.nf_conntrack_max, /etc/sysctl.conf',
    },
    {
      name: 'a newer run on other targets does not',
      runs: () => [run('A', [max('1', '2')]), run('B', [timeout])],
      target: 'A',
      blocking: [],
    },
    {
      name: 'the max alias is the same value',
      runs: () => [run('A', [max('1', '2')]), run('C', [maxAlias])],
      target: 'A',
      blocking: ['C'],
    },
    {
      name: 'a mirror is the same table',
      runs: () => [run('A', [buckets]), run('C', [hashsize])],
      target: 'A',
      blocking: ['C'],
    },
    {
      name: 'a link and its target are one file',
      runs: () => [run('A', [linkedConf]), run('C', [dropIn])],
      target: 'A',
      blocking: ['C'],
    },
    {
      name: 'removing nf_conntrack touches every conntrack value',
      runs: () => [run('A', [timeout]), run('C', [unloadConntrack])],
      target: 'A',
      blocking: ['C'],
    },
    {
      name: 'removing another module does not',
      runs: () => [run('A', [timeout]), run('C', [unloadNat])],
      target: 'A',
      blocking: [],
    },
    {
      name: 'a rolled-back newer run changed nothing any more',
      runs: () => [run('A', [max('1', '2')]), run('C', [max('2', '3')], 'rolled-back')],
      target: 'A',
      blocking: [],
    },
    {
      name: 'an interrupted newer run counts (its applied part)',
      runs: () => [run('A', [max('1', '2')]), run('C', [max('2', '3')], 'applying')],
      target: 'A',
      blocking: ['C'],
    },
    {
      name: 'only the applied part of a newer run counts',
      runs: () => [run('A', [conf]), run('C', [max('2', '3'), conf], 'rollback-failed', 1)],
      target: 'A',
      blocking: [],
    },
    {
      name: 'newest first, and transitively',
      runs: () => [
        run('A', [max('1', '2')]),
        run('B', [timeout]),
        run('C', [max('2', '3'), conf]),
        run('D', [conf]),
        run('E', [timeout]),
      ],
      target: 'A',
      blocking: ['D', 'C'],
      message: 'newer run D changed /etc/sysctl.conf; newer run C changed net.netfilter.nf_conntrack_max',
    },
    { name: 'an unknown run', runs: () => [run('A', [max('1', '2')])], target: 'X', blocking: [] },
  ];
  for (const row of table) {
    it(row.name, () => {
      const entries = row.runs().reverse(); // journal order must not depend on the input order
      const blocking = blockingNewerRuns(entries, row.target);
      assert.deepEqual(
        blocking.map((b) => b.entry.run_id),
        row.blocking,
      );
      if (row.message) assert.equal(describeBlocking(blocking), row.message);
    });
  }
});
