import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readModules } from '../../../src/facts/sections/modules.js';
import { readFixture } from '../fixtures.js';
import { frameOf, gatherFixture } from '../gather-fixture.js';

const g = gatherFixture();

test('modules: lsmod, else /proc/modules; a failing lsmod is a problem', () => {
  const lsmod = readFixture('lsmod.debian-6.1-iptables-nft-masquerade-handwritten.txt').split('\n');
  const proc = readFixture('proc-modules.debian-6.1-iptables-nft-masquerade-handwritten.txt').split('\n');
  assert.equal(readModules(frameOf(g.block('lsmod', lsmod, { rc: 0 })), []).length, 24);
  assert.equal(readModules(frameOf(g.block('proc-modules', proc)), []).length, 20);
  const problems: string[] = [];
  assert.deepEqual(
    readModules(
      frameOf(g.block('lsmod', [], { rc: 1, stderr: ["lsmod: ERROR: could not open '/proc/modules'"] })),
      problems,
    ),
    [],
  );
  assert.equal(problems.length, 1);
  assert.deepEqual(readModules(frameOf([]), []), []);
});
