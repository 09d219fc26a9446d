import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, editDistance, nearestName } from '../../src/config/did-you-mean.js';

const distances: Array<[string, string, number]> = [
  ['', '', 0],
  ['abc', '', 3],
  ['raise_max', 'raise_max', 0],
  ['rasie_max', 'raise_max', 1], // one transposition
  ['raise_mx', 'raise_max', 1],
  ['vlaue', 'value', 1],
  ['kitten', 'sitting', 3],
];
for (const [a, b, want] of distances)
  test(`editDistance(${a}, ${b}) = ${want}`, () => assert.equal(editDistance(a, b), want));

const steps = ['check_count', 'raise_max', 'set_hashsize', 'set_timeouts', 'persist', 'unload_nat'];
const nearest: Array<[string, readonly string[], string | undefined]> = [
  ['rasie_max', steps, 'raise_max'],
  ['raise_maximum', steps, 'raise_max'], // the valid name is a prefix of what was written
  ['raise', steps, 'raise_max'], // what was written is a prefix of the valid name
  ['set_timeout', steps, 'set_timeouts'],
  ['Persist', steps, 'persist'], // case only
  ['persist', steps, undefined], // valid: nothing to suggest
  ['sysctl', steps, undefined],
  ['ra', steps, undefined], // too short for a prefix match
  ['ab', ['max'], undefined], // distance 2 on a 2-letter word is a rewrite
  ['per_cpus', ['value', 'per_cpu', 'min'], 'per_cpu'],
  ['hots', ['host', 'hosts'], 'host'], // a tie goes to the first
  ['web01', ['web', 'db', 'web1', 'web2'], 'web1'], // nearer beats a prefix
];
for (const [word, candidates, want] of nearest) {
  test(`nearestName(${word}) = ${String(want)}`, () => assert.equal(nearestName(word, candidates), want));
}

test('didYouMean wraps the suggestion, or says nothing', () => {
  assert.equal(didYouMean('vaule', ['value', 'min']), ' (did you mean "value"?)');
  assert.equal(didYouMean('zzz', ['value', 'min']), '');
});
