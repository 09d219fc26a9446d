import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Client, ClientChannel } from 'ssh2';
import { errorKindOf, RemoteError } from '../../src/errors.js';
import { holdExec, shellCommand } from '../../src/transport/exec-channel.js';

test('the remote command is sh -s, through sudo -n -u USER (quoted) and the ready marker when become is set', () => {
  const shell = `-- sh -c 'echo conntrack-fleet-become-ready >&2; exec sh -s'`;
  const cases: [boolean, string, string][] = [
    [false, 'root', 'sh -s'],
    [true, 'root', `sudo -n -u root ${shell}`],
    [true, 'postgres', `sudo -n -u postgres ${shell}`],
    [true, "o'brien; rm -rf /", `sudo -n -u 'o'\\''brien; rm -rf /' ${shell}`],
  ];
  for (const [become, becomeUser, expected] of cases) assert.equal(shellCommand({ become, becomeUser }), expected);
});

test('a held command that prints no line in time: a timed-out RemoteError (kind timeout, not lock), channel killed', async () => {
  const signals: string[] = [];
  const channel = Object.assign(new EventEmitter(), {
    stderr: new EventEmitter(),
    write: () => true,
    end: () => undefined,
    signal: (name: string) => void signals.push(name),
    close: () => void channel.emit('close'),
  });
  const opener = async () => channel as unknown as ClientChannel;
  const error: unknown = await holdExec({} as Client, opener, 'cf_lock', 20).then(
    () => null,
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof RemoteError, String(error));
  assert.equal(error.timedOut, true);
  assert.equal(errorKindOf(error, 'lock'), 'timeout');
  assert.match(error.message, /^held command printed no line within 20 ms$/);
  assert.deepEqual(signals, ['KILL']);
});

test('a held command that answers in time resolves with its first line', async () => {
  const channel = Object.assign(new EventEmitter(), {
    stderr: new EventEmitter(),
    write: () => {
      setImmediate(() => channel.emit('data', Buffer.from('@@cf 0123456789abcdef locked\n')));
      return true;
    },
    end: () => undefined,
    signal: () => undefined,
    close: () => void channel.emit('close'),
  });
  const held = await holdExec({} as Client, async () => channel as unknown as ClientChannel, 'cf_lock', 1000);
  assert.equal(held.firstLine, '@@cf 0123456789abcdef locked');
});
