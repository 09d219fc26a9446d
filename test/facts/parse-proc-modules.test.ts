import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLsmod } from '../../src/facts/parse-lsmod.js';
import { parseProcModules } from '../../src/facts/parse-proc-modules.js';
import { readFixture } from './fixtures.js';

test('/proc/modules gives the same graph as lsmod for the same host', () => {
  const fromProc = parseProcModules(readFixture('proc-modules.debian-6.1-iptables-nft-masquerade-handwritten.txt'));
  const fromLsmod = parseLsmod(readFixture('lsmod.debian-6.1-iptables-nft-masquerade-handwritten.txt'));
  assert.equal(fromProc.length, 20);
  for (const module of fromProc) {
    const twin = fromLsmod.find((m) => m.name === module.name);
    if (twin) assert.deepEqual(module, twin);
  }
  assert.ok(
    fromProc.some((m) => m.name === 'vboxsf'),
    'a tainted (OE) module is kept',
  );
});

test('[permanent], `-` refcount and junk', () => {
  const text = 'ipv6 409600 30 [permanent], Live 0x0000000000000000\nnoexit 4096 - - Live 0x0\n\nshort line\n';
  assert.deepEqual(parseProcModules(text), [
    { name: 'ipv6', sizeBytes: 409600, useCount: 30, usedBy: [] },
    { name: 'noexit', sizeBytes: 4096, useCount: 0, usedBy: [] },
  ]);
});
