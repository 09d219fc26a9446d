import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newToken, rescanFrom, StreamBuffer, takeFrame } from '../../src/transport/frame.js';

const token = '1xdeadbeefcafef00d';
const end = (status: number, t = token) => `\n@@cf-end ${t} ${status}\n`;

test('takeFrame: table of complete, truncated, faked and back-to-back output', () => {
  const cases: { name: string; input: string; expected: { body: string; status: number; rest: string } | null }[] = [
    { name: 'empty body', input: end(0), expected: { body: '', status: 0, rest: '' } },
    { name: 'body with newline', input: `a\nb\n${end(3)}`, expected: { body: 'a\nb\n', status: 3, rest: '' } },
    { name: 'body without final newline', input: `abc${end(0)}`, expected: { body: 'abc', status: 0, rest: '' } },
    { name: 'signal status', input: `x${end(137)}`, expected: { body: 'x', status: 137, rest: '' } },
    { name: 'no marker yet', input: 'partial output\n', expected: null },
    { name: 'marker cut before the status', input: `a\n@@cf-end ${token} `, expected: null },
    { name: 'marker cut before its newline', input: `a\n@@cf-end ${token} 12`, expected: null },
    { name: 'marker prefix cut mid-token', input: `a\n@@cf-end ${token.slice(0, 5)}`, expected: null },
    { name: 'another token is body, not an end', input: `${end(0, 'evil')}`, expected: null },
    {
      name: 'faked marker before the real one stays in the body',
      input: `x${end(9, 'evil')}y${end(1)}`,
      expected: { body: `x${end(9, 'evil')}y`, status: 1, rest: '' },
    },
    {
      name: 'next request output is kept as rest',
      input: `one${end(0)}two`,
      expected: { body: 'one', status: 0, rest: 'two' },
    },
    { name: 'status that is not a number is no end', input: `a\n@@cf-end ${token} x\n`, expected: null },
    { name: 'marker must start a line', input: `a@@cf-end ${token} 0\n`, expected: null },
  ];
  for (const { name, input, expected } of cases) {
    const frame = takeFrame(Buffer.from(input), token);
    const seen = frame && { body: frame.body.toString(), status: frame.status, rest: frame.rest.toString() };
    assert.deepEqual(seen, expected, name);
  }
});

test('takeFrame: multi-byte output split anywhere decodes whole once the frame is complete', () => {
  const text = `é✓日本${end(0)}`;
  const bytes = Buffer.from(text);
  for (let cut = 1; cut < bytes.length; cut += 1) {
    assert.equal(takeFrame(bytes.subarray(0, cut), token), null, `cut at ${cut}`);
  }
  assert.equal(takeFrame(bytes, token)?.body.toString(), 'é✓日本');
});

test('newToken: distinct per sequence number and safe unquoted in sh', () => {
  const tokens = new Set([1, 2, 3].map((n) => newToken(n)));
  assert.equal(tokens.size, 3);
  for (const t of tokens) assert.match(t, /^[0-9a-f]+x[0-9a-f]{16}$/);
});

test('StreamBuffer + rescanFrom: a marker straddling chunks is found whatever the chunk size, in one pass', () => {
  const token = 'ab12x0011223344556677';
  const text = `${'x'.repeat(10_000)}é\n@@cf-end ${token} 7\nnext`;
  const bytes = Buffer.from(text);
  for (const size of [1, 2, 3, 7, 64, 4096]) {
    const buffer = new StreamBuffer();
    let scanned = 0;
    let frame = null;
    for (let at = 0; at < bytes.length && !frame; at += size) {
      buffer.append(bytes.subarray(at, at + size));
      frame = takeFrame(buffer.view(), token, rescanFrom(scanned, token));
      scanned = buffer.length;
    }
    assert.equal(frame?.status, 7, `chunk size ${size}`);
    assert.equal(frame?.body.toString(), `${'x'.repeat(10_000)}é`);
  }
});
