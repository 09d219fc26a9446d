import type { ExecResult } from '../../src/transport/connection.js';
/** The session's request/response logic against a fake channel that answers like src/remote/session.sh would. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  requestText,
  SessionEndedError,
  type SessionFeed,
  startShellSession,
} from '../../src/transport/shell-session.js';

/** The result without its duration (which varies), for deepEqual. */
function withoutTiming(result: ExecResult): Omit<ExecResult, 'durationMs'> {
  assert.ok(Number.isInteger(result.durationMs) && result.durationMs >= 0, `durationMs ${result.durationMs}`);
  const { durationMs: _durationMs, ...rest } = result;
  return rest;
}

interface Fake {
  written: string[];
  stopped: number;
  ended: number;
  feed: SessionFeed;
  session: ReturnType<typeof startShellSession>['session'];
}

function fakeSession(): Fake {
  const fake = { written: [] as string[], stopped: 0, ended: 0 } as Fake;
  const { session, feed } = startShellSession(
    { write: (text) => fake.written.push(text), stop: () => (fake.stopped += 1), end: () => (fake.ended += 1) },
    (n) => `t${n}`,
  );
  return Object.assign(fake, { session, feed });
}

const reply = (feed: SessionFeed, token: string, out: string, err: string, status: number) => {
  feed.stdout(Buffer.from(`${out}\n@@cf-end ${token} ${status}\n`));
  feed.stderr(Buffer.from(`${err}\n@@cf-end ${token} ${status}\n`));
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('the session starts by defining cf_reply; a request is the script in a subshell then its end marker', async () => {
  const fake = fakeSession();
  assert.match(fake.written[0] ?? '', /cf_reply\(\)/);
  const result = fake.session.request('echo hi; exit 3');
  await tick();
  assert.equal(fake.written[1], requestText('echo hi; exit 3', 't1'));
  assert.equal(fake.written[1], '(\necho hi; exit 3\n) </dev/null\ncf_reply t1 "$?"\n');
  reply(fake.feed, 't1', 'hi\n', '', 3);
  assert.deepEqual(withoutTiming(await result), {
    stdout: 'hi\n',
    stderr: '',
    exitCode: 3,
    signal: null,
    timedOut: false,
  });
});

test('requests go one at a time in call order; output arriving in pieces and across streams is matched', async () => {
  const fake = fakeSession();
  const first = fake.session.request('a');
  const second = fake.session.request('b');
  await tick();
  assert.equal(fake.written.length, 2, 'the second waits for the first reply');
  fake.feed.stdout(Buffer.from('out-a\n@@cf-end t1'));
  fake.feed.stderr(Buffer.from('\n@@cf-end t1 0\n'));
  await tick();
  assert.equal(fake.written.length, 2, 'stdout frame still incomplete');
  fake.feed.stdout(Buffer.from(' 0\n'));
  assert.deepEqual(withoutTiming(await first), {
    stdout: 'out-a',
    stderr: '',
    exitCode: 0,
    signal: null,
    timedOut: false,
  });
  await tick();
  assert.equal(fake.written[2], requestText('b', 't2'));
  reply(fake.feed, 't2', 'out-b', 'warn', 1);
  assert.deepEqual(withoutTiming(await second), {
    stdout: 'out-b',
    stderr: 'warn',
    exitCode: 1,
    signal: null,
    timedOut: false,
  });
});

test('output that fakes an end marker with another token stays in the body', async () => {
  const fake = fakeSession();
  const result = fake.session.request('cat evil');
  await tick();
  reply(fake.feed, 't1', 'x\n@@cf-end t9 0\ny', '', 0);
  assert.equal((await result).stdout, 'x\n@@cf-end t9 0\ny');
});

test('a shell that dies mid-request gives its signal and what was printed; later requests reject as ended', async () => {
  const fake = fakeSession();
  const result = fake.session.request('kill -TERM $$');
  await tick();
  fake.feed.stdout(Buffer.from('partial'));
  fake.feed.closed(null, 'SIGTERM');
  assert.deepEqual(withoutTiming(await result), {
    stdout: 'partial',
    stderr: '',
    exitCode: null,
    signal: 'SIGTERM',
    timedOut: false,
  });
  assert.equal(fake.session.alive, false);
  await assert.rejects(fake.session.request('true'), SessionEndedError);
});

test('a channel lost without status resolves exitCode null, signal null (the connection reports the loss)', async () => {
  const fake = fakeSession();
  const result = fake.session.request('sleep 9');
  await tick();
  fake.feed.closed(null, null);
  assert.deepEqual(withoutTiming(await result), {
    stdout: '',
    stderr: '',
    exitCode: null,
    signal: null,
    timedOut: false,
  });
});

test('timeout: the channel is stopped, the request resolves with exitCode null and a note, the session is dead', async () => {
  const fake = fakeSession();
  const result = fake.session.request('echo started; sleep 10', 20);
  await tick();
  fake.feed.stdout(Buffer.from('started\n'));
  const done = await result;
  assert.equal(fake.stopped, 1);
  assert.equal(done.exitCode, null);
  assert.equal(done.stdout, 'started\n');
  assert.match(done.stderr, /timed out after 20 ms/);
  assert.equal(done.timedOut, true);
  assert.ok(done.durationMs >= 15, `durationMs ${done.durationMs}`);
  assert.equal(fake.session.alive, false);
});

test('end() closes stdin once and marks the session ended', () => {
  const fake = fakeSession();
  fake.session.end();
  assert.equal(fake.ended, 1);
  assert.equal(fake.session.alive, false);
});
