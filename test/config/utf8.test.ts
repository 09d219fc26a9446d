import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeUtf8 } from '../../src/config/utf8.js';

describe('decodeUtf8: strict, with the offset of the first bad byte', () => {
  const bad: Array<[string, number[], number]> = [
    ['lone continuation byte', [0x61, 0x80], 1],
    ['latin-1 ü', [0x6d, 0xfc, 0x6e], 1],
    ['overlong "/"', [0x61, 0x62, 0xc0, 0xaf], 2],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['above U+10FFFF', [0x20, 0xf4, 0x90, 0x80, 0x80], 1],
    ['truncated at the end', [0x61, 0xe2, 0x82], 1],
    ['UTF-16LE BOM', [0xff, 0xfe, 0x61, 0x00], 0],
  ];
  for (const [name, bytes, offset] of bad) {
    it(`${name} → offset ${offset}`, () => assert.deepEqual(decodeUtf8(Uint8Array.from(bytes)), { badOffset: offset }));
  }
  it('valid text is decoded as is (a BOM is kept, as readFileSync kept it)', () => {
    assert.deepEqual(decodeUtf8(Buffer.from('\ufeffbücher ✓ 𝄞')), { text: '\ufeffbücher ✓ 𝄞' });
  });
});
