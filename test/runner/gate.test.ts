/** The health gate: judgeGate's rules (pure), and runGate's reads of the changed hosts through forEachHost. */
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import type { HostFacts } from '../../src/facts/types.js';
import type { GateSpec } from '../../src/playbook/types.js';
import type { RunEvent } from '../../src/runner/events.js';
import { judgeGate, runGate } from '../../src/runner/gate.js';
import type { Connection, HostTarget } from '../../src/transport/connection.js';
import { builtin618 } from '../fixtures/steps/facts.js';
import { concurrencyGauge, fakeHost, replies, target, testPool } from './fake-host.js';

interface Reading {
  count?: number | null;
  max?: number | null;
  drop?: number;
  early_drop?: number;
  insert_failed?: number;
  /** No readable /proc/net/stat/nf_conntrack. */
  noStats?: boolean;
}

function facts(reading: Reading): HostFacts {
  const f = builtin618();
  if (reading.count !== undefined) f.count = reading.count;
  if (reading.max !== undefined) f.max = reading.max;
  const counters = {
    drop: reading.drop ?? 0,
    early_drop: reading.early_drop ?? 0,
    insert_failed: reading.insert_failed ?? 0,
  };
  f.stats = reading.noStats ? null : { ...counters, all: { ...counters, entries: 1200 } };
  return f;
}

const gate = (fields: Partial<GateSpec> = {}): GateSpec => ({ soakMs: 1000, max_new_drops: 0, ...fields });

test('judgeGate: usage above the bound and drop counters grown beyond the allowance fail a host', () => {
  const table: [string, GateSpec, Reading | null, Reading, string | null][] = [
    ['quiet host', gate({ max_usage_percent: 90 }), { drop: 7 }, { drop: 7, count: 1000, max: 262144 }, null],
    ['usage exactly at the bound passes', gate({ max_usage_percent: 50 }), {}, { count: 500, max: 1000 }, null],
    [
      'usage above the bound',
      gate({ max_usage_percent: 90 }),
      {},
      { count: 250000, max: 262144 },
      'table 95.4% full (250000 of 262144) > 90%',
    ],
    ['no usage bound: a full table alone passes', gate(), {}, { count: 262144, max: 262144 }, null],
    ['unknown count: usage not judged', gate({ max_usage_percent: 1 }), {}, { count: null }, null],
    ['new drops', gate(), { drop: 10 }, { drop: 15 }, '5 new drops (drop +5) > 0 allowed'],
    [
      'insert_failed and early_drop count too, summed',
      gate({ max_new_drops: 2 }),
      {},
      { insert_failed: 2, early_drop: 1 },
      '3 new drops (early_drop +1, insert_failed +2) > 2 allowed',
    ],
    ['growth within the allowance', gate({ max_new_drops: 3 }), { drop: 1 }, { drop: 3, insert_failed: 1 }, null],
    ['a reset counter counts from zero', gate(), { drop: 900 }, { drop: 4 }, '4 new drops (drop +4) > 0 allowed'],
    ['counters unreadable before: drops not judged', gate(), { noStats: true }, { drop: 99 }, null],
    ['counters unreadable after: drops not judged', gate(), { drop: 1 }, { noStats: true }, null],
    ['no facts from before the change: drops not judged', gate(), null, { drop: 99 }, null],
    [
      'both reasons at once',
      gate({ max_usage_percent: 10 }),
      {},
      { count: 200, max: 1000, drop: 1 },
      'table 20.0% full (200 of 1000) > 10%; 1 new drops (drop +1) > 0 allowed',
    ],
  ];
  for (const [name, spec, before, after, expected] of table) {
    assert.equal(judgeGate(spec, before ? facts(before) : null, facts(after)), expected, name);
  }
});

type GateHost = 'ok' | 'refused-connect' | 'read-fails';

/** runGate over a pool of fake hosts, each read after the soak with the fake gather reply (count 17 of 65536). */
async function gateOver(
  behaviours: Record<string, GateHost>,
  options: { forks?: number; soakMs?: number; isInterrupted?: () => boolean } = {},
) {
  const gauge = concurrencyGauge();
  const read: string[] = [];
  const connect = async (t: HostTarget): Promise<Connection> => {
    const behaviour = behaviours[t.name] ?? 'ok';
    if (behaviour === 'refused-connect') throw new ConnectError('unreachable', `${t.name}: connect ECONNREFUSED`);
    const gather = behaviour === 'ok' ? replies.gathered : { exitCode: 1, stderr: 'boom' };
    read.push(t.name);
    return gauge.wrap(fakeHost(t, { replies: { gather: [gather] } }).connection);
  };
  const pool = testPool(connect);
  const events: RunEvent[] = [];
  const failures = await runGate({
    gate: gate({ soakMs: options.soakMs ?? 0, max_usage_percent: 90 }),
    batch: 0,
    hosts: Object.keys(behaviours).map((name) => ({ target: target(name), before: null })),
    forks: options.forks ?? 10,
    pool,
    emit: (e) => events.push(e),
    isInterrupted: options.isInterrupted ?? (() => false),
  });
  await pool.closeAll();
  return { failures, events: events.map((e) => e.type), peak: gauge.peak(), read };
}

describe('runGate', () => {
  it('reads the hosts at most `forks` at once after the soak, and passes the quiet ones', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const run = await gateOver(Object.fromEntries(names.map((n) => [n, 'ok' as const])), { forks: 2 });
    assert.equal(run.peak, 2);
    assert.deepEqual(run.failures, []);
    assert.deepEqual(run.events, ['gate-start', 'gate-end']);
    assert.deepEqual([...run.read].sort(), names);
  });

  it('a host that cannot be connected or read after the soak fails the gate, with why', async () => {
    const run = await gateOver({ a: 'ok', b: 'refused-connect', c: 'read-fails' });
    assert.deepEqual(
      run.failures?.map((f) => f.host),
      ['b', 'c'],
    );
    assert.equal(run.failures?.[0]?.reason, 'could not read the host after the soak: b: connect ECONNREFUSED');
    assert.match(run.failures?.[1]?.reason ?? '', /^could not read the host after the soak: /);
  });

  it('an interrupt during the soak ends it with no verdict: no host is read, gate-end is not emitted', async () => {
    let polls = 0;
    const run = await gateOver({ a: 'ok', b: 'ok' }, { soakMs: 60_000, isInterrupted: () => ++polls > 2 });
    assert.equal(run.failures, null);
    assert.deepEqual(run.events, ['gate-start']);
    assert.deepEqual(run.read, []);
  });

  it('an interrupt once the soak passed does not stop the reads: every changed host is judged', async () => {
    // a 0 ms soak asks once (not interrupted); the interrupt is there for every later question, during the reads
    let asked = 0;
    const run = await gateOver({ a: 'ok', b: 'ok', c: 'ok' }, { forks: 1, isInterrupted: () => asked++ > 0 });
    assert.deepEqual(run.failures, []);
    assert.deepEqual([...run.read].sort(), ['a', 'b', 'c']);
  });
});
