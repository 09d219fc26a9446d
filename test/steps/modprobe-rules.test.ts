import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BootConfig } from '../../src/facts/types.js';
import { describeBlocker, findLoadBlockers } from '../../src/steps/modprobe-rules.js';
import { bootFile, debianBootConfig } from '../fixtures/steps/facts.js';

function withModprobe(...files: ReturnType<typeof bootFile>[]): BootConfig {
  const config = debianBootConfig();
  config.files.push(...files);
  return config;
}

describe('findLoadBlockers: kmod install/blacklist rules from modprobe.d', () => {
  const cases: Array<{ name: string; config: BootConfig; modules: string[]; blocked: string[] }> = [
    { name: 'no modprobe.d file', config: debianBootConfig(), modules: ['nf_conntrack'], blocked: [] },
    {
      name: 'install /bin/false',
      config: withModprobe(
        bootFile('/etc/modprobe.d/off.conf', { text: '# no tracking\ninstall nf_conntrack /bin/false\n' }),
      ),
      modules: ['nf_conntrack', 'nf_nat'],
      blocked: ['nf_conntrack'],
    },
    {
      name: 'install /bin/true (the usual "disable")',
      config: withModprobe(bootFile('/etc/modprobe.d/off.conf', { text: 'install nf_nat /bin/true\n' })),
      modules: ['nf_nat'],
      blocked: ['nf_nat'],
    },
    {
      name: 'dash and underscore are one name',
      config: withModprobe(bootFile('/etc/modprobe.d/off.conf', { text: 'install nf-conntrack /bin/false\n' })),
      modules: ['nf_conntrack'],
      blocked: ['nf_conntrack'],
    },
    {
      name: 'blacklist alone does not block loading by name',
      config: withModprobe(bootFile('/etc/modprobe.d/bl.conf', { text: 'blacklist nf_conntrack\n' })),
      modules: ['nf_conntrack'],
      blocked: [],
    },
    {
      name: 'an install that runs modprobe loads it',
      config: withModprobe(
        bootFile('/etc/modprobe.d/ok.conf', {
          text: 'install nf_conntrack /sbin/modprobe --ignore-install nf_conntrack && echo loaded\n',
        }),
      ),
      modules: ['nf_conntrack'],
      blocked: [],
    },
    {
      name: '/etc masks the same name in /usr/lib',
      config: withModprobe(
        bootFile('/etc/modprobe.d/off.conf', { text: '# re-enabled\n' }),
        bootFile('/usr/lib/modprobe.d/off.conf', { text: 'install nf_conntrack /bin/false\n' }),
      ),
      modules: ['nf_conntrack'],
      blocked: [],
    },
    {
      name: 'a link to /dev/null masks a file',
      config: withModprobe(
        bootFile('/etc/modprobe.d/off.conf', { link: '/dev/null', realPath: '/dev/null' }),
        bootFile('/lib/modprobe.d/off.conf', { text: 'install nf_conntrack /bin/false\n' }),
      ),
      modules: ['nf_conntrack'],
      blocked: [],
    },
    {
      name: 'the first install line in name order wins',
      config: withModprobe(
        bootFile('/etc/modprobe.d/50-off.conf', { text: 'install nf_conntrack /bin/false\n' }),
        bootFile('/usr/lib/modprobe.d/10-on.conf', {
          text: 'install nf_conntrack /sbin/modprobe --ignore-install nf_conntrack\n',
        }),
      ),
      modules: ['nf_conntrack'],
      blocked: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () =>
      assert.deepEqual(
        findLoadBlockers(c.config, c.modules).map((b) => b.module),
        c.blocked,
      ),
    );
  }

  it('names the blocking FILE:LINE, the line, and blacklist lines for the module', () => {
    const config = withModprobe(
      bootFile('/etc/modprobe.d/off.conf', {
        text: 'blacklist nf_conntrack\n\ninstall nf_conntrack \\\n  /bin/false\n',
      }),
    );
    const [blocker] = findLoadBlockers(config, ['nf_conntrack']);
    assert.ok(blocker);
    assert.equal(
      describeBlocker(blocker),
      'nf_conntrack: /etc/modprobe.d/off.conf:3 "install nf_conntrack   /bin/false" (blacklisted at /etc/modprobe.d/off.conf:1)',
    );
  });
});
