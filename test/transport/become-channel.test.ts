import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Client, ClientChannel } from 'ssh2';
import { ConnectError, RemoteError } from '../../src/errors.js';
import { becomePrompt, becomeReadyMarker } from '../../src/transport/become.js';
import { becomeOpener, settleBecomeHoldError, settleBecomeResult } from '../../src/transport/become-channel.js';
import type { HostTarget } from '../../src/transport/connection.js';

/** What the handshake touches of an ssh2 channel: stderr events, write, close, resume. */
class FakeChannel extends EventEmitter {
  readonly stderr = new EventEmitter();
  readonly written: string[] = [];
  closed = false;
  write(text: string): boolean {
    this.written.push(text);
    return true;
  }
  close(): void {
    this.closed = true;
  }
  resume(): this {
    return this;
  }
  say(text: string): void {
    this.stderr.emit('data', Buffer.from(text));
  }
}

const target = (password?: string): HostTarget => ({
  name: 'web1',
  address: 'web1',
  port: 22,
  user: 'ops',
  become: true,
  becomeUser: 'root',
  vars: {},
  ...(password !== undefined && { becomePassword: () => Promise.resolve(password) }),
});

function open(t: HostTarget, timeoutMs?: number) {
  const channel = new FakeChannel();
  const commands: string[] = [];
  const opener = becomeOpener(
    t,
    async (_client, command) => (commands.push(command), channel as unknown as ClientChannel),
    timeoutMs,
  );
  assert.ok(opener);
  return { channel, commands, opened: opener({} as Client) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('no become, or sudo -n (no password known): no opener, the command line is used and the script pipelined', () => {
  const unused = async (): Promise<ClientChannel> => {
    throw new Error('unused');
  };
  assert.equal(becomeOpener({ ...target(), become: false }, unused), undefined);
  assert.equal(becomeOpener(target(), unused), undefined);
});

test("a pipelined sudo -n result: sudo's lines up to the marker dropped; no marker with a status is a become error", () => {
  const result = (stderr: string, exitCode: number | null) => ({
    stdout: 'out\n',
    stderr,
    exitCode,
    signal: null,
    timedOut: false,
    durationMs: 0,
  });
  const ok = settleBecomeResult(
    target(),
    result(`sudo: unable to resolve host web1\n${becomeReadyMarker}\nscript said\n`, 3),
  );
  assert.deepEqual(ok, result('script said\n', 3));
  // sudo exited while the script was arriving: the exit status may be lost, the missing marker still tells
  for (const exitCode of [1, null]) {
    assert.throws(
      () => settleBecomeResult(target(), result('sudo: a password is required\n', exitCode)),
      (error: unknown) =>
        error instanceof ConnectError &&
        error.failure === 'become' &&
        /failed: sudo: a password is required/.test(error.message),
    );
  }
  const timedOut = result(`${becomeReadyMarker}\n[conntrack-fleet: timed out]`, null);
  assert.deepEqual(
    settleBecomeResult(target(), timedOut),
    result('[conntrack-fleet: timed out]', null),
    'the script ran: its timeout is its own',
  );
});

test('a pipelined held command that ended before the marker is a become error; other errors are kept', () => {
  const refused = settleBecomeHoldError(
    target(),
    new RemoteError('held command ended', 1, 'sudo: a password is required\n'),
  );
  assert.ok(refused instanceof ConnectError && refused.failure === 'become');
  const scriptFailed = new RemoteError('held command ended', 2, `${becomeReadyMarker}\nflock: failed\n`);
  assert.equal(settleBecomeHoldError(target(), scriptFailed), scriptFailed);
  const lostStatus = settleBecomeHoldError(
    target(),
    new RemoteError('held command ended', null, 'sudo: a password is required\n'),
  );
  assert.ok(lostStatus instanceof ConnectError && lostStatus.failure === 'become');
  const other = new Error('channel refused');
  assert.equal(settleBecomeHoldError(target(), other), other);
});

test('the password is written once, only after sudo prompts, and the channel is handed over at the ready marker', async () => {
  const { channel, commands, opened } = open(target('hunter2'));
  await tick();
  assert.match(commands[0] ?? '', /^sudo -S /);
  assert.deepEqual(channel.written, [], 'nothing before the prompt');
  channel.say(becomePrompt);
  await tick();
  assert.deepEqual(channel.written, ['hunter2\n']);
  channel.say(`\n${becomeReadyMarker}\n`);
  assert.equal(await opened, channel);
  assert.equal(channel.closed, false);
});

test('sudo that does not ask (NOPASSWD, a cached ticket) never gets the password', async () => {
  const { channel, opened } = open(target('hunter2'));
  await tick();
  channel.say(`${becomeReadyMarker}\n`);
  assert.equal(await opened, channel);
  assert.deepEqual(channel.written, []);
});

test('a second prompt (wrong password) closes the channel at once: a become error, without the password', async () => {
  const { channel, opened } = open(target('hunter2'));
  await tick();
  channel.say(becomePrompt);
  await tick();
  channel.say(`Sorry, try again.\n${becomePrompt}`);
  await assert.rejects(opened, (error: unknown) => {
    assert.ok(error instanceof ConnectError && error.failure === 'become');
    assert.match(
      error.message,
      /^web1: become \(sudo -u root\) failed: Sorry, try again\.; sudo: 1 incorrect password attempt/,
    );
    assert.doesNotMatch(error.message, /hunter2/);
    return true;
  });
  assert.equal(channel.closed, true);
  assert.deepEqual(channel.written, ['hunter2\n'], 'no script line was sent to sudo');
});

test('sudo ending before the marker is a become error in its words', async () => {
  const { channel, opened } = open(target('hunter2'));
  await tick();
  channel.say('user is not in the sudoers file.\n');
  channel.emit('close');
  await assert.rejects(opened, /become \(sudo -u root\) failed: user is not in the sudoers file/);
});

test('sudo silent past the limit is a become error, not a hang', async () => {
  const { channel, opened } = open(target('hunter2'), 30);
  await assert.rejects(opened, /did not start the command within 30 ms/);
  assert.equal(channel.closed, true);
});

test('a password source that cannot ask (-K off a terminal) gives its own reason, not a bare "no password"', async () => {
  const reason = '-K needs a terminal to ask on; set CONNTRACK_FLEET_BECOME_PASSWORD instead';
  const { channel, opened } = open({
    ...target(),
    becomePassword: () => Promise.reject(new ConnectError('become', reason)),
  });
  await tick();
  channel.say(becomePrompt);
  await assert.rejects(opened, (error: unknown) => {
    assert.ok(error instanceof ConnectError && error.failure === 'become');
    assert.match(error.message, /failed: .*-K needs a terminal to ask on; set CONNTRACK_FLEET_BECOME_PASSWORD instead/);
    return true;
  });
  assert.deepEqual(channel.written, []);
});
