import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import { editHiddenLine, promptHidden, readPassphrase, type HiddenInput } from '../../src/transport/passphrase.js';

test('the environment wins over the prompt', async () => {
  let prompted = false;
  const prompt = async () => ((prompted = true), 'typed');
  assert.equal(await readPassphrase('/k', { env: { CONNTRACK_FLEET_SSH_PASSPHRASE: 'from-env' }, prompt }), 'from-env');
  assert.equal(prompted, false);
  assert.equal(await readPassphrase('/k', { env: {}, prompt }), 'typed');
});

test('without env and without a TTY: an auth error saying how to provide it', async () => {
  await assert.rejects(readPassphrase('/keys/id', { env: {} }), (error: unknown) => {
    assert.ok(error instanceof ConnectError);
    assert.equal(error.failure, 'auth');
    assert.match(error.message, /\/keys\/id is encrypted/);
    assert.match(error.message, /CONNTRACK_FLEET_SSH_PASSPHRASE/);
    assert.match(error.message, /ssh-add/);
    return true;
  });
});

test('editHiddenLine handles Enter, Backspace, Ctrl-U, Ctrl-C, Ctrl-D', () => {
  const cases: [string, string, string][] = [
    // keys typed, final line, last edit
    ['abc\r', 'abc', 'enter'],
    ['ab\x7fc\n', 'ac', 'enter'],
    ['ab\bc\r', 'ac', 'enter'],
    ['abc\x15xy\r', 'xy', 'enter'],
    ['ab\x03', 'ab', 'interrupt'],
    ['\x04', '', 'eof'],
    ['a\x04\r', 'a\x04', 'enter'],
    ['pässwörd\r', 'pässwörd', 'enter'],
  ];
  for (const [keys, line, lastEdit] of cases) {
    const typed: string[] = [];
    let edit = 'more';
    for (const ch of keys) if ((edit = editHiddenLine(typed, ch)) !== 'more') break;
    assert.deepEqual([typed.join(''), edit], [line, lastEdit], JSON.stringify(keys));
  }
});

class FakeTty extends EventEmitter implements HiddenInput {
  isRaw = false;
  rawModes: boolean[] = [];
  setRawMode(mode: boolean) {
    this.isRaw = mode;
    this.rawModes.push(mode);
  }
  resume() {}
  pause() {}
  type(text: string) {
    this.emit('data', Buffer.from(text));
  }
}

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

test('promptHidden writes the question, never echoes, restores the terminal', async () => {
  const input = new FakeTty();
  const output = new PassThrough();
  const written = collect(output);
  const answer = promptHidden('Passphrase: ', input, output);
  await new Promise((resolve) => setImmediate(resolve));
  input.type('se');
  input.type('cret\x7fT\r');
  assert.equal(await answer, 'secreT');
  assert.equal(written(), 'Passphrase: \n');
  assert.deepEqual(input.rawModes, [true, false]);
  assert.equal(input.listenerCount('data'), 0);
});

test('Ctrl-C rejects and delivers the interrupt; prompts run one at a time', async () => {
  const input = new FakeTty();
  const output = new PassThrough();
  const written = collect(output);
  let interrupted = 0;
  const first = promptHidden('one: ', input, output, () => interrupted++);
  const second = promptHidden('two: ', input, output);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(written(), 'one: ');
  input.type('x\x03');
  await assert.rejects(first, /interrupted/);
  assert.equal(interrupted, 1);
  await new Promise((resolve) => setImmediate(resolve));
  input.type('y\r');
  assert.equal(await second, 'y');
  assert.equal(written(), 'one: \ntwo: \n');
});
