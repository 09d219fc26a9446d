import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostNamesFor, unsafeLabDirReason } from './layout.js';

describe('lab layout', () => {
  const dirs: [string, boolean][] = [
    ['/work/main/.lab', true],
    ['/tmp/conntrack-lab-test-Ab1xZ9/lab', true],
    ['/tmp/with space', false],
    ['/tmp/a,b', false],
    ['/tmp/a:b', false],
  ];
  for (const [dir, safe] of dirs) {
    it(`${safe ? 'accepts' : 'refuses'} ${dir}`, () => assert.equal(unsafeLabDirReason(dir) === null, safe));
  }

  it('names hosts PREFIX1..PREFIXn', () => assert.deepEqual(hostNamesFor(3, 'lab'), ['lab1', 'lab2', 'lab3']));
});
