import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostLogEvent, RunEvent } from '../../src/runner/events.js';
import { withHostLog } from '../../src/runner/host-log.js';
import type { Connect, Connection, ExecResult, HostTarget } from '../../src/transport/connection.js';
import { defaultConnectOptions } from '../../src/transport/connection.js';

const target: HostTarget = {
  name: 'lab1',
  address: '127.0.0.1',
  port: 22,
  user: 'root',
  become: false,
  becomeUser: 'root',
  vars: {},
};
const exec: ExecResult = {
  stdout: 'out\n',
  stderr: 'err\n',
  exitCode: 3,
  signal: null,
  timedOut: false,
  // far from what the instant fake takes, so a wrapper timing the exchange itself would show
  durationMs: 1234,
};

function fakeConnect(fail?: Error): { connect: Connect; scripts: string[] } {
  const scripts: string[] = [];
  const connection: Connection = {
    target,
    runScript: async (script) => (scripts.push(script), exec),
    hold: async (script) => (scripts.push(script), { firstLine: 'locked', release: async () => undefined }),
    close: async () => undefined,
    onLost: () => undefined,
  };
  return { connect: async () => (fail ? Promise.reject(fail) : connection), scripts };
}

function logs(events: RunEvent[]): HostLogEvent[] {
  return events.filter((e): e is HostLogEvent => e.type === 'host-log');
}

describe('withHostLog', () => {
  it('emits sent and done around connect, runScript and hold, passing results through', async () => {
    const events: RunEvent[] = [];
    const { connect, scripts } = fakeConnect();
    const connection = await withHostLog(connect, { emit: (e) => events.push(e), level: 3 })(
      target,
      defaultConnectOptions,
    );
    assert.deepEqual(await connection.runScript('echo hi'), exec);
    assert.equal((await connection.hold('lock')).firstLine, 'locked');
    assert.deepEqual(scripts, ['echo hi', 'lock']);
    const seen = logs(events).map((e) => `${e.exchange} ${e.stage}`);
    assert.deepEqual(seen, ['connect sent', 'connect done', 'script sent', 'script done', 'hold sent', 'hold done']);
    const scriptDone = logs(events)[3];
    assert.equal(logs(events)[2]?.script, 'echo hi');
    assert.deepEqual([scriptDone?.exitCode, scriptDone?.stderr, scriptDone?.stdout], [3, 'err\n', 'out\n']);
    assert.ok((scriptDone?.durationMs ?? -1) >= 0);
  });

  it("gives a script the duration its ExecResult carries (the transport's), not one of its own", async () => {
    const events: RunEvent[] = [];
    const connection = await withHostLog(fakeConnect().connect, { emit: (e) => events.push(e), level: 1 })(
      target,
      defaultConnectOptions,
    );
    await connection.runScript('echo hi');
    const [connectDone, scriptDone] = logs(events).filter((e) => e.stage === 'done');
    assert.equal(scriptDone?.durationMs, exec.durationMs);
    assert.ok((connectDone?.durationMs ?? -1) >= 0 && (connectDone?.durationMs ?? 0) < exec.durationMs);
  });

  const levels: [number, string[]][] = [
    [1, ['durationMs', 'exchange', 'exitCode', 'host', 'signal', 'stage', 'type']],
    [2, ['durationMs', 'exchange', 'exitCode', 'host', 'signal', 'stage', 'stderr', 'type']],
    [3, ['durationMs', 'exchange', 'exitCode', 'host', 'signal', 'stage', 'stderr', 'stdout', 'type']],
  ];
  for (const [level, keys] of levels) {
    it(`keeps only what -v×${level} prints`, async () => {
      const events: RunEvent[] = [];
      const connection = await withHostLog(fakeConnect().connect, { emit: (e) => events.push(e), level })(
        target,
        defaultConnectOptions,
      );
      await connection.runScript('echo hi');
      const [sent, result] = logs(events).slice(2);
      assert.deepEqual(Object.keys(result ?? {}).sort(), keys);
      assert.equal('script' in (sent ?? {}), level >= 3);
    });
  }

  it('reports a failed connect and rethrows the same error', async () => {
    const events: RunEvent[] = [];
    const error = new Error('connect ECONNREFUSED');
    await assert.rejects(
      withHostLog(fakeConnect(error).connect, { emit: (e) => events.push(e), level: 1 })(target, defaultConnectOptions),
      (e) => e === error,
    );
    assert.equal(logs(events)[1]?.error, 'connect ECONNREFUSED');
  });

  it('never lets a throwing listener change the run', async () => {
    const connection = await withHostLog(fakeConnect().connect, {
      emit: () => {
        throw new Error('display broke');
      },
      level: 3,
    })(target, defaultConnectOptions);
    assert.deepEqual(await connection.runScript('true'), exec);
  });
});
