import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { chooseFormat, useColor } from '../../src/report/format.js';

describe('chooseFormat', () => {
  const cases: [string | undefined, boolean, string][] = [
    [undefined, true, 'tree'],
    [undefined, false, 'plain'],
    ['', true, 'tree'],
    ['json', true, 'json'],
    ['plain', true, 'plain'],
    ['tree', false, 'tree'],
    ['JSON', false, 'json'],
  ];
  for (const [requested, isTTY, expected] of cases) {
    it(`${String(requested)} on ${isTTY ? 'a TTY' : 'a pipe'} → ${expected}`, () => {
      assert.equal(chooseFormat(requested, isTTY), expected);
    });
  }

  it('rejects an unknown format as bad input', () => {
    assert.throws(
      () => chooseFormat('yaml', true),
      (e: unknown) => e instanceof InputError && /yaml/.test(e.message),
    );
  });
});

describe('useColor', () => {
  const cases: [string, boolean, Record<string, string | undefined>, boolean][] = [
    ['TTY, clean env', true, {}, true],
    ['pipe, clean env', false, {}, false],
    ['NO_COLOR=1 on a TTY', true, { NO_COLOR: '1' }, false],
    ['NO_COLOR empty is ignored', true, { NO_COLOR: '' }, true],
    ['FORCE_COLOR=1 on a pipe', false, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR empty forces', false, { FORCE_COLOR: '' }, true],
    ['FORCE_COLOR=0 on a TTY', true, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a TTY', true, { FORCE_COLOR: 'false' }, false],
    ['NO_COLOR beats FORCE_COLOR', false, { NO_COLOR: 'x', FORCE_COLOR: '1' }, false],
    ['TERM=dumb on a TTY', true, { TERM: 'dumb' }, false],
  ];
  for (const [name, isTTY, env, expected] of cases) {
    it(name, () => assert.equal(useColor(isTTY, env), expected));
  }
});
