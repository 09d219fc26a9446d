/** forEachHost: forks, interrupt, and every way a host's work can end, as data with a typed error kind. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError, HostFailure, RemoteError } from '../../src/errors.js';
import { createConnectionPool } from '../../src/runner/connection-pool.js';
import { atStage, forEachHost } from '../../src/runner/for-each-host.js';
import type { Connection, HostTarget } from '../../src/transport/connection.js';
import { fakeHost, target } from './fake-host.js';

const connectOptions = {
  connectTimeoutMs: 1000,
  keepaliveIntervalMs: 0,
  keepaliveCountMax: 3,
  acceptNewHostKeys: false,
};

describe('forEachHost', () => {
  const cases: [string, (t: HostTarget) => Promise<string>, { ok: boolean; errorKind?: string; error?: string }][] = [
    ['a value', async (t) => `read ${t.name}`, { ok: true }],
    [
      'a ConnectError keeps its kind',
      () => Promise.reject(new ConnectError('auth', 'h: no key accepted')),
      { ok: false, errorKind: 'auth', error: 'h: no key accepted' },
    ],
    [
      'a HostFailure keeps its kind',
      () => Promise.reject(new HostFailure('journal', 'could not list journals')),
      { ok: false, errorKind: 'journal', error: 'could not list journals' },
    ],
    [
      'atStage names the stage that threw',
      () => atStage('gather', () => Promise.reject(new Error('exit 1'))),
      { ok: false, errorKind: 'gather', error: 'exit 1' },
    ],
    [
      'atStage lets a ConnectError keep its own kind',
      () => atStage('gather', () => Promise.reject(new ConnectError('connection-lost', 'gone'))),
      { ok: false, errorKind: 'connection-lost', error: 'gone' },
    ],
    [
      'a remote script killed at its time limit is a timeout, whatever the stage',
      () =>
        atStage('gather', () =>
          Promise.reject(new RemoteError('h: fact gathering failed (ended by timeout)', null, '', { timedOut: true })),
        ),
      { ok: false, errorKind: 'timeout', error: 'h: fact gathering failed (ended by timeout)' },
    ],
    [
      'a remote script that failed otherwise keeps the stage',
      () => atStage('gather', () => Promise.reject(new RemoteError('h: fact gathering failed (exit 2)', 2, ''))),
      { ok: false, errorKind: 'gather', error: 'h: fact gathering failed (exit 2)' },
    ],
    [
      'any other error is remote-command',
      () => Promise.reject(new Error('odd')),
      { ok: false, errorKind: 'remote-command', error: 'odd' },
    ],
  ];
  for (const [name, work, expected] of cases) {
    it(name, async () => {
      const [done] = await forEachHost([target('h')], 1, () => false, work);
      assert.ok(done);
      assert.equal(done.ok, expected.ok);
      if (done.ok) assert.equal(done.value, 'read h');
      else
        assert.deepEqual(
          { kind: done.errorKind, error: done.error, started: done.started },
          { kind: expected.errorKind, error: expected.error, started: true },
        );
    });
  }

  it('runs at most `forks` hosts at once, returns them in target order, tells each end as it comes', async () => {
    let running = 0;
    let peak = 0;
    const told: string[] = [];
    const names = ['a', 'b', 'c', 'd', 'e'];
    const done = await forEachHost(
      names.map(target),
      2,
      () => false,
      async (t) => {
        running += 1;
        peak = Math.max(peak, running);
        // later hosts finish first: the result order must still be the targets'
        await new Promise((resolve) => setTimeout(resolve, 5 * (names.length - names.indexOf(t.name))));
        running -= 1;
        return t.name;
      },
      (d) => told.push(d.target.name),
    );
    assert.equal(peak, 2);
    assert.deepEqual(
      done.map((d) => d.target.name),
      names,
    );
    assert.deepEqual([...told].sort(), names);
  });

  it('starts no host after an interrupt: the rest are not started, kind interrupted', async () => {
    let interrupted = false;
    const started: string[] = [];
    const done = await forEachHost(
      ['a', 'b', 'c'].map(target),
      1,
      () => interrupted,
      async (t) => {
        started.push(t.name);
        interrupted = true;
        return t.name;
      },
    );
    assert.deepEqual(started, ['a']);
    assert.deepEqual(
      done.map((d) => (d.ok ? 'ok' : `${d.errorKind} ${String(d.started)} ${d.error}`)),
      ['ok', 'interrupted false interrupted before it started', 'interrupted false interrupted before it started'],
    );
  });

  it('with the pool: a host that cannot connect is data, the others run on their one connection', async () => {
    const hosts = new Map(
      ['a', 'c'].map((n) => [n, fakeHost(target(n), { replies: { other: [{ stdout: `hello from ${n}` }] } })]),
    );
    const connect = async (t: HostTarget): Promise<Connection> => {
      const host = hosts.get(t.name);
      if (!host) throw new ConnectError('unreachable', `${t.name}: connect ECONNREFUSED`);
      return host.connection;
    };
    const pool = createConnectionPool(connect, connectOptions);
    const done = await forEachHost(
      ['a', 'b', 'c'].map(target),
      3,
      () => false,
      async (t) => (await (await pool.get(t)).runScript('echo hi')).stdout,
    );
    assert.deepEqual(
      done.map((d) => (d.ok ? d.value : `${d.errorKind}: ${d.error}`)),
      ['hello from a', 'unreachable: b: connect ECONNREFUSED', 'hello from c'],
    );
    await pool.closeAll();
    assert.ok([...hosts.values()].every((h) => h.closed()));
  });
});
