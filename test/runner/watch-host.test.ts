import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import { type HostLoopOptions, watchHost } from '../../src/runner/watch-hosts.js';
import { nextRow, type TimedSample } from '../../src/facts/sample-rates.js';
import { toWatchJsonLine } from '../../src/report/watch-json.js';
import type { Connection, ExecResult } from '../../src/transport/connection.js';
import { localTarget } from '../facts/local-connection.js';
import { sampleReply } from '../facts/sample-fixture.js';

type Reply = (script: string) => ExecResult;

/** count 10 of 100, in the record token of the sample script it answers. */
const answer: Reply = (script) => ({
  ...sampleReply(10, 100)(script),
  stderr: '',
  exitCode: 0,
  signal: null,
  timedOut: false,
  durationMs: 0,
});

/** A connection whose runScript answers from `replies` in turn; `null` = never answers (a host gone silent). */
function fakeConnection(replies: Array<Reply | null>, closed: string[]): Connection {
  return {
    target: localTarget,
    runScript: (script) => {
      const reply = replies.shift();
      return reply ? Promise.resolve(reply(script)) : new Promise<ExecResult>(() => undefined);
    },
    hold: () => Promise.reject(new Error('not used')),
    close: async () => {
      closed.push('closed');
    },
    onLost: () => undefined,
  };
}

function loop(connect: () => Promise<Connection>, samples: number, signal = new AbortController().signal) {
  const recorded: TimedSample[] = [];
  const options: HostLoopOptions = {
    open: connect,
    intervalMs: 50,
    samples,
    signal,
    sampleTimeoutMs: 100,
    record: (s) => recorded.push(s),
  };
  return { recorded, run: () => watchHost(localTarget, options) };
}

describe('watchHost: one kept connection, silent hosts shown, reconnects', () => {
  it('answers on one connection: one connect for all samples, closed at the end', async () => {
    const closed: string[] = [];
    let connects = 0;
    const { recorded, run } = loop(async () => {
      connects += 1;
      return fakeConnection([answer, answer, answer], closed);
    }, 3);
    await run();
    assert.equal(connects, 1);
    assert.deepEqual(
      recorded.map((r) => r.sample?.count),
      [10, 10, 10],
    );
    assert.deepEqual(closed, ['closed']);
  });

  it('a round trip that never ends is "no answer" within the deadline; the connection is dropped and reopened', async () => {
    const closed: string[] = [];
    const connections = [fakeConnection([null], closed), fakeConnection([answer], closed)];
    let connects = 0;
    const { recorded, run } = loop(async () => {
      connects += 1;
      const next = connections.shift();
      assert.ok(next);
      return next;
    }, 2);
    await run();
    assert.equal(recorded[0]?.sample, null);
    assert.match(recorded[0]?.error ?? '', /^no answer within 100 ms/);
    assert.equal(recorded[0]?.errorKind, 'timeout');
    assert.equal(recorded[1]?.errorKind, null);
    assert.equal(recorded[1]?.sample?.count, 10);
    assert.equal(connects, 2);
    assert.equal(closed.length, 2, 'the silent connection and the last one');
  });

  it('a failed connect is recorded with its reason and retried at the next interval', async () => {
    let connects = 0;
    const { recorded, run } = loop(async () => {
      connects += 1;
      if (connects === 1) throw new Error('connect ECONNREFUSED 127.0.0.1:22');
      return fakeConnection([answer], []);
    }, 2);
    await run();
    assert.deepEqual(
      recorded.map((r) => r.error),
      ['connect ECONNREFUSED 127.0.0.1:22', null],
    );
  });

  it('a host that cannot be reached says why as a kind, and the JSON line carries it as error_kind', async () => {
    const { recorded, run } = loop(async () => {
      throw new ConnectError('host-key-changed', 'h1: WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!');
    }, 1);
    await run();
    assert.equal(recorded[0]?.errorKind, 'host-key-changed');
    const row = nextRow(null, recorded[0]!, null);
    const line = JSON.parse(toWatchJsonLine(row, 0)) as Record<string, unknown>;
    assert.equal(line['error_kind'], 'host-key-changed');
    const answered = loop(async () => fakeConnection([answer], []), 1);
    await answered.run();
    const up = nextRow(null, answered.recorded[0]!, null);
    assert.equal('error_kind' in (JSON.parse(toWatchJsonLine(up, 0)) as object), false, 'none on an answer');
  });

  it('the stop signal ends the loop before the next sample', async () => {
    const stop = new AbortController();
    const { recorded, run } = loop(
      async () => fakeConnection([answer, answer, answer], []),
      Number.POSITIVE_INFINITY,
      stop.signal,
    );
    const running = run();
    await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    await running;
    assert.equal(recorded.length, 1);
  });

  it("each sample has its own record token: an answer in an earlier sample's token is no sample", async () => {
    const scripts: string[] = [];
    let first = '';
    const stale: Reply = (script) => answer(first || script);
    const connection = fakeConnection([answer, stale], []);
    const { recorded, run } = loop(
      async () => ({
        ...connection,
        runScript: (script, options) => {
          scripts.push(script);
          first ||= script;
          return connection.runScript(script, options);
        },
      }),
      2,
    );
    await run();
    const tokens = scripts.map((script) => /cf_tok=([0-9a-f]{16})/.exec(script)?.[1]);
    assert.equal(new Set(tokens).size, 2, 'two samples, two tokens');
    assert.equal(recorded[0]?.sample?.count, 10);
    assert.equal(recorded[1]?.sample, null);
    assert.match(recorded[1]?.error ?? '', /^sample failed \(exit 0\)/);
  });
});
