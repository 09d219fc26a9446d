import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTargetRead, findOverrides, readSlotOf } from '../../src/steps/sysctl-order.js';

const max = 'net.netfilter.nf_conntrack_max';
const entries = [{ key: max, value: '262144' }];
const aliases = { 'net.nf_conntrack_max': max };

function overridesFor(target: string, settings: { file: string; line: number; key: string; value: string }[]): string[] {
  return findOverrides({ target, entries, aliases, settings });
}

describe('readSlotOf', () => {
  const cases: [string, unknown][] = [
    ['/etc/sysctl.conf', { basename: '99-sysctl.conf', dirRank: 0 }],
    ['/etc/sysctl.d/90-conntrack-fleet.conf', { basename: '90-conntrack-fleet.conf', dirRank: 0 }],
    ['/usr/lib/sysctl.d/50-default.conf', { basename: '50-default.conf', dirRank: 3 }],
    ['/etc/sysctl.d/README', null],
    ['/opt/x.conf', null],
  ];
  for (const [path, want] of cases) it(path, () => assert.deepEqual(readSlotOf(path), want));
});

describe('findOverrides', () => {
  const cases = [
    { name: 'a later file with another value', target: '/etc/sysctl.d/90-conntrack-fleet.conf', file: '/etc/sysctl.d/95-k8s.conf', value: '65536', warns: true },
    { name: 'sysctl.conf is read after a 90- drop-in', target: '/etc/sysctl.d/90-conntrack-fleet.conf', file: '/etc/sysctl.conf', value: '65536', warns: true },
    { name: 'an earlier file loses anyway', target: '/etc/sysctl.conf', file: '/usr/lib/sysctl.d/50-default.conf', value: '65536', warns: false },
    { name: 'the same value is harmless', target: '/etc/sysctl.d/90-conntrack-fleet.conf', file: '/etc/sysctl.d/95-k8s.conf', value: '262144', warns: false },
    { name: 'the Debian symlink is the target itself', target: '/etc/sysctl.conf', file: '/etc/sysctl.d/99-sysctl.conf', value: '1', warns: false },
    { name: 'a masked /usr/lib file is not read', target: '/etc/sysctl.d/10-a.conf', file: '/usr/lib/sysctl.d/90-conntrack-fleet.conf', value: '1', warns: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const settings = [{ file: c.file, line: 3, key: max, value: c.value }];
      if (c.name.includes('masked')) settings.push({ file: '/etc/sysctl.d/90-conntrack-fleet.conf', line: 1, key: 'x', value: '1' });
      const warnings = overridesFor(c.target, settings);
      assert.equal(warnings.length, c.warns ? 1 : 0, warnings.join('\n'));
      if (c.warns) assert.match(warnings[0]!, new RegExp(`^${c.file}:3 sets ${max} = ${c.value} .*wins over 262144`));
    });
  }

  it('an alias key in a later file counts', () => {
    const warnings = overridesFor('/etc/sysctl.conf', [{ file: '/etc/sysctl.d/99-zz.conf', line: 1, key: 'net/nf_conntrack_max', value: '1' }]);
    assert.equal(warnings.length, 1);
  });
});

describe('checkTargetRead', () => {
  it('warns about a file systemd never reads', () => assert.match(checkTargetRead('/opt/x.conf', []) ?? '', /not read/));
  it('warns when /etc masks the /run target', () => {
    const settings = [{ file: '/etc/sysctl.d/90-a.conf', line: 1, key: 'k', value: '1' }];
    assert.match(checkTargetRead('/run/sysctl.d/90-a.conf', settings) ?? '', /masked by \/etc\/sysctl.d\/90-a.conf/);
  });
  it('is quiet for /etc/sysctl.conf', () => assert.equal(checkTargetRead('/etc/sysctl.conf', []), null));
});
