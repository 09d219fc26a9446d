import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countBoots, findFatalLine, lastBootLines } from './console.js';

const twoBoots = [
  '[    0.000000] Linux version 6.1.0-50-cloud-amd64',
  'ctf-boot: boot aaa kernel 6.1.0-50-cloud-amd64\r',
  'ctf-boot: ready after 6.37s\r',
  'ctf-boot: shutting down',
  'ctf-boot: boot bbb kernel 6.1.0-50-cloud-amd64\r',
  'ctf-boot: stage apply_sysctl done at 3.06s → 3.94s\r',
  'ctf-boot: ready after 8.09s\r',
].join('\n');

describe('serial console', () => {
  it('counts completed boots', () => {
    assert.equal(countBoots(''), 0);
    assert.equal(countBoots(twoBoots), 2);
  });

  it('returns the lines of the last boot only', () => {
    assert.deepEqual(lastBootLines(twoBoots), [
      'ctf-boot: boot bbb kernel 6.1.0-50-cloud-amd64',
      'ctf-boot: stage apply_sysctl done at 3.06s → 3.94s',
      'ctf-boot: ready after 8.09s',
    ]);
  });

  it('spots a guest that cannot come up', () => {
    assert.equal(findFatalLine(twoBoots), null);
    assert.equal(
      findFatalLine('x\n[ 1.2] Kernel panic - not syncing: VFS\n'),
      '[ 1.2] Kernel panic - not syncing: VFS',
    );
  });
});
