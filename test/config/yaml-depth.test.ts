/**
 * tooDeepOffset agrees with checkDepth (the composed document's depth rule) wherever the composer can build the
 * document, and gives the same place where the composer runs out of stack first, at any stack size.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_NESTING_DEPTH } from '../../src/config/yaml-checks.js';
import { tooDeepOffset } from '../../src/config/yaml-depth.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { InputError } from '../../src/errors.js';

const flow = (levels: number) => `x: ${'['.repeat(levels)}1${']'.repeat(levels)}\n`;
const block = (levels: number) =>
  Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
const mixed = (levels: number) => `a:\n  - b: {c: ${'['.repeat(levels)}1${']'.repeat(levels)}}\n`;

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`;
}

function placeOf(text: string): string {
  try {
    parseYamlSource('f.yaml', text);
    return 'parsed';
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return `${error.message.split(';')[0]} @ ${error.position?.line}:${error.position?.col}`;
  }
}

function checkDepthPlace(text: string): string | null {
  try {
    parseYamlSource('f.yaml', text);
    return null;
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return `${error.position?.line}:${error.position?.col}`;
  }
}

describe('tooDeepOffset', () => {
  const cases: [string, string][] = [
    ['flow, at the limit', flow(MAX_NESTING_DEPTH - 1)],
    ['flow, one past', flow(MAX_NESTING_DEPTH)],
    ['flow, far past', flow(100)],
    ['block, at the limit', block(MAX_NESTING_DEPTH - 1)],
    ['block, one past', block(MAX_NESTING_DEPTH + 1)],
    ['block map, sequence and flow map mixed', mixed(70)],
  ];
  for (const [name, text] of cases)
    it(`finds the collection checkDepth finds: ${name}`, () => {
      const offset = tooDeepOffset(text, MAX_NESTING_DEPTH);
      const place = checkDepthPlace(text);
      assert.equal(offset === null ? null : lineCol(text, offset), place);
    });

  it('is null for a shallow document and for plain scalars', () => {
    assert.equal(tooDeepOffset('a: 1\nb: [1, 2]\n', MAX_NESTING_DEPTH), null);
    assert.equal(tooDeepOffset('just text\n', MAX_NESTING_DEPTH), null);
  });

  it('places a composer stack overflow at the 65th level, however much stack the caller already used', () => {
    const text = flow(20_000);
    const placeAfter = (frames: number): string => (frames === 0 ? placeOf(text) : placeAfter(frames - 1));
    const places = [0, 500, 2000].map(placeAfter);
    assert.deepEqual(places, Array(3).fill(places[0]));
    // the root mapping is level 1, so the first `[` (column 4) is level 2 and level 65 is the 64th `[`
    assert.equal(places[0], `nesting too deep to read @ 1:${'x: '.length + MAX_NESTING_DEPTH}`);
  });
});
