/** checkHosts over fake Connections: each way a host's read can end, and whether it counts as reached. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import { type CheckResult, defaultFailAbovePercent } from '../../src/facts/check-result.js';
import { checkHosts } from '../../src/runner/check-hosts.js';
import { readOutcome, stoppedHostOutcome } from '../../src/runner/outcome.js';
import type { Connection, HostTarget } from '../../src/transport/connection.js';
import { fakeHost, type FakeHostScript, gatherReply, target } from './fake-host.js';

interface Case {
  name: string;
  host: FakeHostScript;
  connectError?: Error;
  reachable: boolean;
  errorKind: string | undefined;
  outcome: string;
}

const cases: Case[] = [
  {
    name: 'read',
    host: { replies: { gather: [gatherReply()] } },
    reachable: true,
    errorKind: undefined,
    outcome: 'unchanged',
  },
  {
    name: 'connect refused',
    host: {},
    connectError: new ConnectError('unreachable', 'h: connect ECONNREFUSED'),
    reachable: false,
    errorKind: 'unreachable',
    outcome: 'unreachable',
  },
  {
    name: 'host key changed',
    host: {},
    connectError: new ConnectError('host-key-changed', 'h: host key changed'),
    reachable: false,
    errorKind: 'host-key-changed',
    outcome: 'unreachable',
  },
  {
    name: 'sudo refused: nothing ran, as run says (stoppedHostOutcome)',
    host: { replies: { gather: [new ConnectError('become', 'h: become (sudo -u root) failed: no password')] } },
    reachable: false,
    errorKind: 'become',
    outcome: 'unreachable',
  },
  {
    name: 'the gather failed',
    host: { replies: { gather: [{ exitCode: 1, stderr: 'sh: 1: boom' }] } },
    reachable: true,
    errorKind: 'gather',
    outcome: 'failed',
  },
  {
    name: 'the gather timed out',
    host: { replies: { gather: [{ exitCode: null, timedOut: true, stderr: '[timed out]' }] } },
    reachable: true,
    errorKind: 'timeout',
    outcome: 'failed',
  },
  {
    name: 'the connection dropped during the gather',
    host: { replies: { gather: [new ConnectError('connection-lost', 'h: connection lost')] } },
    reachable: true,
    errorKind: 'connection-lost',
    outcome: 'failed',
  },
];

async function check(c: Case): Promise<CheckResult> {
  const open = async (t: HostTarget): Promise<Connection> => {
    if (c.connectError) throw c.connectError;
    return fakeHost(t, c.host).connection;
  };
  const [result] = await checkHosts({
    targets: [target('h')],
    forks: 1,
    open,
    alarms: { failAbovePercent: defaultFailAbovePercent },
    isInterrupted: () => false,
    onResult: () => undefined,
  });
  assert.ok(result);
  return result;
}

for (const c of cases)
  test(`checkHosts: ${c.name}`, async () => {
    const result = await check(c);
    assert.equal(result.reachable, c.reachable, result.error ?? '');
    assert.equal(result.errorKind, c.errorKind);
    assert.equal(readOutcome(result), c.outcome);
    // once connected, a host is unreachable exactly when run's rule says nothing ran on it
    if (!c.connectError && result.errorKind)
      assert.equal(result.reachable, stoppedHostOutcome(result.errorKind) !== 'unreachable');
  });
