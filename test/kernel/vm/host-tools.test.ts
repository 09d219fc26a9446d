import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { skipReasonFor } from './host-tools.js';

type Facts = Parameters<typeof skipReasonFor>[0];
const ready: Facts = { platform: 'linux', uid: 0, missingTools: [], disabled: false };

describe('kernel test skip reasons', () => {
  for (const [name, facts, expected] of [
    ['ready', ready, null],
    ['disabled', { ...ready, disabled: true }, /disabled by CONNTRACK_FLEET_SKIP_KERNEL/],
    ['not Linux', { ...ready, platform: 'darwin' }, /need Linux/],
    ['not root', { ...ready, uid: 1000 }, /need root/],
    [
      'tools missing',
      { ...ready, missingTools: ['qemu-img', 'qemu-system-x86_64', 'cpio'] },
      /^missing qemu-img, qemu-system-x86_64, cpio: apt-get install -y --no-install-recommends cpio qemu-system-x86 qemu-utils$/,
    ],
  ] as [string, Facts, RegExp | null][]) {
    it(name, () => {
      const reason = skipReasonFor(facts);
      if (expected === null) assert.equal(reason, null);
      else assert.match(reason ?? '', expected);
    });
  }
});
