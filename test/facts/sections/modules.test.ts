import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitGatherOutput } from '../../../src/facts/gather-frame.js';
import { readModules } from '../../../src/facts/sections/modules.js';
import { readFixture } from '../fixtures.js';
import { section } from './blocks.js';

test('modules: lsmod, else /proc/modules; a failing lsmod is a problem', () => {
  const lsmod = readFixture('lsmod.debian-6.1-iptables-nft-masquerade-handwritten.txt').split('\n');
  const proc = readFixture('proc-modules.debian-6.1-iptables-nft-masquerade-handwritten.txt').split('\n');
  assert.equal(readModules(splitGatherOutput(section('lsmod', lsmod, 0)), []).length, 24);
  assert.equal(readModules(splitGatherOutput(section('proc-modules', proc)), []).length, 20);
  const problems: string[] = [];
  assert.deepEqual(
    readModules(splitGatherOutput(section('lsmod', [], 1, ["lsmod: ERROR: could not open '/proc/modules'"])), problems),
    [],
  );
  assert.equal(problems.length, 1);
  assert.deepEqual(readModules(splitGatherOutput(''), []), []);
});
