import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BootConfig, BootFile } from '../../src/facts/types.js';
import { readBytesText } from '../../src/changes/file-state.js';
import { planSysctlBoot } from '../../src/steps/persist-boot.js';
import { disabledPrefix } from '../../src/steps/sysctl-block.js';
import { explainUnread, modprobeReadOrder, readPositions, sysctlReadOrder } from '../../src/steps/sysctl-order.js';
import { bootFile } from '../fixtures/steps/facts.js';

const link99 = bootFile('/etc/sysctl.d/99-sysctl.conf', { link: '../sysctl.conf', realPath: '/etc/sysctl.conf' });
const conf = (text = '# empty\n') => bootFile('/etc/sysctl.conf', { text });
const config = (files: BootFile[], init: BootConfig['init'] = 'systemd', compatSysctls = false): BootConfig => ({
  init,
  compatSysctls,
  cmdlineHashsize: null,
  files,
});

describe('sysctl read order at boot (sysctl.d(5), systemd-sysctl vs sysctl --system)', () => {
  const cases: { name: string; files: BootFile[]; init?: BootConfig['init']; planned?: string[]; order: string[] }[] = [
    {
      name: 'merged by file name across directories; /etc/sysctl.conf only through the Debian link under systemd',
      files: [
        bootFile('/etc/sysctl.d/20-b.conf'),
        link99,
        bootFile('/run/sysctl.d/15-c.conf'),
        bootFile('/usr/lib/sysctl.d/10-a.conf'),
        conf(),
      ],
      order: [
        '/usr/lib/sysctl.d/10-a.conf',
        '/run/sysctl.d/15-c.conf',
        '/etc/sysctl.d/20-b.conf',
        '/etc/sysctl.d/99-sysctl.conf',
      ],
    },
    {
      name: 'systemd without the link never reads /etc/sysctl.conf (Debian 13)',
      files: [bootFile('/usr/lib/sysctl.d/50-pid-max.conf'), conf()],
      order: ['/usr/lib/sysctl.d/50-pid-max.conf'],
    },
    {
      name: 'sysctl --system reads /etc/sysctl.conf last, after its link too',
      files: [link99, bootFile('/etc/sysctl.d/99-zz.conf'), conf()],
      init: 'other',
      order: ['/etc/sysctl.d/99-sysctl.conf', '/etc/sysctl.d/99-zz.conf', '/etc/sysctl.conf'],
    },
    {
      name: 'the same name in /etc replaces /run and /usr/lib; a link to /dev/null masks',
      files: [
        bootFile('/etc/sysctl.d/50-a.conf'),
        bootFile('/etc/sysctl.d/60-m.conf', { link: '/dev/null', realPath: '/dev/null' }),
        bootFile('/run/sysctl.d/50-a.conf'),
        bootFile('/usr/lib/sysctl.d/60-m.conf'),
        bootFile('/lib/sysctl.d/50-a.conf'),
      ],
      order: ['/etc/sysctl.d/50-a.conf'],
    },
    {
      name: 'only *.conf; a dangling link is skipped; a planned file counts',
      files: [
        bootFile('/etc/sysctl.d/README'),
        bootFile('/etc/sysctl.d/30-x.conf', { link: 'gone', realPath: '/etc/sysctl.d/gone', missing: true }),
      ],
      planned: ['/etc/sysctl.d/90-conntrack-fleet.conf'],
      order: ['/etc/sysctl.d/90-conntrack-fleet.conf'],
    },
    {
      name: 'a planned /etc/sysctl.conf makes its dangling link count',
      files: [
        bootFile('/etc/sysctl.d/99-sysctl.conf', {
          link: '../sysctl.conf',
          realPath: '/etc/sysctl.conf',
          missing: true,
        }),
      ],
      planned: ['/etc/sysctl.conf'],
      order: ['/etc/sysctl.d/99-sysctl.conf'],
    },
  ];
  for (const c of cases) {
    it(c.name, () =>
      assert.deepEqual(
        sysctlReadOrder(config(c.files, c.init), c.planned ?? []).map((f) => f.path),
        c.order,
      ),
    );
  }

  it('modprobe.d merges the same way, in its own directories', () => {
    const files = [
      bootFile('/etc/modprobe.d/nf_conntrack.conf'),
      bootFile('/lib/modprobe.d/aliases.conf'),
      bootFile('/etc/sysctl.d/a.conf'),
    ];
    const order = modprobeReadOrder(config(files), ['/etc/modprobe.d/conntrack-fleet.conf']).map((f) => f.path);
    assert.deepEqual(order, [
      '/lib/modprobe.d/aliases.conf',
      '/etc/modprobe.d/conntrack-fleet.conf',
      '/etc/modprobe.d/nf_conntrack.conf',
    ]);
  });

  it('finds a file by the bytes it reads, through links', () => {
    const order = sysctlReadOrder(config([link99, conf()], 'other'), []);
    assert.deepEqual(readPositions(order, '/etc/sysctl.conf'), [0, 1]);
  });
});

describe('a target that is not read at boot says why', () => {
  const cases: [string, BootFile[], string, RegExp][] = [
    [
      'sysctl.conf without the link',
      [conf()],
      '/etc/sysctl.conf',
      /no \/etc\/sysctl\.d\/\*\.conf links to it.*sysctl_d: true/,
    ],
    [
      'masked by the same name in /etc',
      [bootFile('/etc/sysctl.d/90-a.conf')],
      '/run/sysctl.d/90-a.conf',
      /\/etc\/sysctl\.d\/90-a\.conf has the same name/,
    ],
    ['outside sysctl.d', [], '/opt/x.conf', /neither a \*\.conf file in/],
  ];
  for (const [name, files, target, message] of cases)
    it(name, () => assert.match(explainUnread(config(files), target), message));
});

const max = 'net.netfilter.nf_conntrack_max';
const entries = [{ key: max, value: '262144' }];

describe('which line wins at boot: neutralise, refuse or leave', () => {
  const dropIn = '/etc/sysctl.d/90-conntrack-fleet.conf';
  const cases: {
    name: string;
    target: string;
    files: BootFile[];
    init?: BootConfig['init'];
    compat?: boolean;
    refusal?: RegExp;
    disabled?: string[];
    /** When given: the notes, one per disabled line, in read order (`disabled` is in file-list order). */
    notes?: RegExp[];
  }[] = [
    {
      name: 'sysctl.conf (via 99-sysctl.conf) is read after a 90- drop-in: its line is commented out',
      target: dropIn,
      files: [link99, conf(`# hand\n${max} = 65536\nvm.swappiness = 1\n`)],
      disabled: [`/etc/sysctl.conf:2`],
    },
    {
      name: 'a later file in /etc/sysctl.d spelled with slashes and a - prefix',
      target: '/etc/sysctl.conf',
      files: [
        link99,
        conf(),
        bootFile('/etc/sysctl.d/99-zz-k8s.conf', { text: '-net/netfilter/nf_conntrack_max=131072\n' }),
      ],
      disabled: ['/etc/sysctl.d/99-zz-k8s.conf:1'],
    },
    {
      name: 'the init-netns alias net.nf_conntrack_max sets the same knob',
      target: dropIn,
      files: [bootFile('/etc/sysctl.d/95-k.conf', { text: 'net.nf_conntrack_max = 1\n' })],
      disabled: ['/etc/sysctl.d/95-k.conf:1'],
    },
    {
      name: 'a dead ip_conntrack_max name wins nothing on a modern kernel',
      target: dropIn,
      files: [bootFile('/etc/sysctl.d/95-k.conf', { text: 'net.ipv4.netfilter.ip_conntrack_max = 1\n' })],
      disabled: [],
    },
    {
      name: '…but it does on a kernel that still has the compat sysctls',
      target: dropIn,
      compat: true,
      files: [bootFile('/etc/sysctl.d/95-k.conf', { text: 'net.ipv4.netfilter.ip_conntrack_max = 1\n' })],
      disabled: ['/etc/sysctl.d/95-k.conf:1'],
    },
    {
      name: 'the same value is left alone; an earlier file loses anyway',
      target: dropIn,
      files: [
        bootFile('/etc/sysctl.d/10-a.conf', { text: `${max} = 1\n` }),
        bootFile('/etc/sysctl.d/95-k.conf', { text: `${max} = 262144\n` }),
      ],
      disabled: [],
    },
    {
      name: 'a package file in /usr/lib that wins is refused with file:line',
      target: dropIn,
      files: [bootFile('/usr/lib/sysctl.d/99-vendor.conf', { text: `\n${max} = 1\n` })],
      refusal:
        /^\/usr\/lib\/sysctl\.d\/99-vendor\.conf:2 sets net\.netfilter\.nf_conntrack_max = 1 and is read after .* wins over 262144; it belongs to a package/,
    },
    {
      name: 'a file in /run is refused (rebuilt at boot)',
      target: dropIn,
      files: [bootFile('/run/sysctl.d/99-x.conf', { text: `${max} = 1\n` })],
      refusal: /^\/run\/sysctl\.d\/99-x\.conf:1 .*\/run is rebuilt/,
    },
    {
      name: 'a file masked by /etc is not read, so it cannot win',
      target: dropIn,
      files: [
        bootFile('/etc/sysctl.d/99-x.conf', { link: '/dev/null', realPath: '/dev/null' }),
        bootFile('/usr/lib/sysctl.d/99-x.conf', { text: `${max} = 1\n` }),
      ],
      disabled: [],
    },
    {
      name: 'sysctl --system reads sysctl.conf twice (link, then itself): one line, one change',
      target: dropIn,
      init: 'other',
      files: [link99, conf(`${max} = 5\n`)],
      disabled: ['/etc/sysctl.conf:1'],
    },
    {
      name: 'sysctl --system: sysctl.conf is read last even without the link',
      target: dropIn,
      init: 'other',
      files: [conf(`${max} = 5\n`)],
      disabled: ['/etc/sysctl.conf:1'],
    },
    {
      name: 'a target that is a link (/etc/sysctl.conf -> sysctl.d/99-sysctl.conf) is read where its file is',
      target: '/etc/sysctl.conf',
      files: [
        bootFile('/etc/sysctl.d/99-sysctl.conf', { text: `${max} = 65536\n` }),
        bootFile('/etc/sysctl.d/99-zz.conf', { text: `${max} = 3\n` }),
        bootFile('/etc/sysctl.conf', {
          link: 'sysctl.d/99-sysctl.conf',
          realPath: '/etc/sysctl.d/99-sysctl.conf',
          text: `${max} = 65536\n`,
        }),
      ],
      disabled: ['/etc/sysctl.d/99-zz.conf:1'],
    },
    {
      name: 'the same key twice in one file: the later line wins and is named; both go, or the earlier would win',
      target: dropIn,
      files: [link99, conf(`${max} = 65536\n${max} = 131072\n`)],
      disabled: ['/etc/sysctl.conf:1', '/etc/sysctl.conf:2'],
      notes: [
        /^\/etc\/sysctl\.conf:1 \(read as \/etc\/sysctl\.d\/99-sysctl\.conf\) sets \S+ = 65536 and is read after .*; \/etc\/sysctl\.conf:2 \(read as .*\) sets it later, and without that line it would win over 262144: commented out$/,
        /^\/etc\/sysctl\.conf:2 \(read as \/etc\/sysctl\.d\/99-sysctl\.conf\) sets \S+ = 131072 and is read after .*, so it wins over 262144: commented out$/,
      ],
    },
    {
      name: 'the same key twice in one file, the later line with the wanted value: that value applies at boot, nothing changes',
      target: dropIn,
      files: [link99, conf(`# hand\n${max} = 65536\n${max} = 262144\n`)],
      disabled: [],
    },
    {
      name: 'a later line by the alias name with the wanted value wins over an earlier other value',
      target: dropIn,
      files: [bootFile('/etc/sysctl.d/95-k.conf', { text: `${max} = 1\nnet.nf_conntrack_max = 262144\n` })],
      disabled: [],
    },
    {
      name: 'two later files: the last file read wins and is named, whatever the line numbers',
      target: dropIn,
      files: [
        bootFile('/etc/sysctl.d/95-a.conf', { text: `\n\n${max} = 1\n` }),
        bootFile('/etc/sysctl.d/96-b.conf', { text: `${max} = 2\n` }),
      ],
      disabled: ['/etc/sysctl.d/95-a.conf:3', '/etc/sysctl.d/96-b.conf:1'],
      notes: [
        /^\/etc\/sysctl\.d\/95-a\.conf:3 sets .* = 1 .*; \/etc\/sysctl\.d\/96-b\.conf:1 sets it later/,
        /^\/etc\/sysctl\.d\/96-b\.conf:1 sets .* = 2 .*, so it wins over 262144/,
      ],
    },
    {
      name: 'a later file with the wanted value makes an earlier one lose: nothing changes',
      target: dropIn,
      files: [
        bootFile('/etc/sysctl.d/95-a.conf', { text: `${max} = 1\n` }),
        bootFile('/etc/sysctl.d/96-b.conf', { text: `${max} = 262144\n` }),
      ],
      disabled: [],
    },
    {
      name: 'a package line that wins over a user line read before it is refused as the winner',
      target: dropIn,
      files: [
        bootFile('/etc/sysctl.d/95-a.conf', { text: `${max} = 1\n` }),
        bootFile('/usr/lib/sysctl.d/99-v.conf', { text: `${max} = 2\n` }),
      ],
      refusal:
        /^\/usr\/lib\/sysctl\.d\/99-v\.conf:1 sets \S+ = 2 and is read after .*, so it wins over 262144; it belongs to a package/,
    },
    {
      name: 'a package line that a later user line overrides is refused: commenting out the user line would let it win',
      target: dropIn,
      files: [
        bootFile('/usr/lib/sysctl.d/95-v.conf', { text: `${max} = 2\n` }),
        bootFile('/etc/sysctl.d/99-a.conf', { text: `${max} = 1\n` }),
      ],
      refusal:
        /^\/usr\/lib\/sysctl\.d\/95-v\.conf:1 sets \S+ = 2 .*; \/etc\/sysctl\.d\/99-a\.conf:1 sets it later, and without that line it would win over 262144; it belongs to a package/,
    },
    {
      name: 'sysctl --system: sysctl.conf read last wins over a drop-in named later than its link',
      target: dropIn,
      init: 'other',
      files: [link99, bootFile('/etc/sysctl.d/99-zz.conf', { text: `${max} = 7\n` }), conf(`${max} = 5\n`)],
      disabled: ['/etc/sysctl.d/99-zz.conf:1', '/etc/sysctl.conf:1'],
      notes: [
        /^\/etc\/sysctl\.conf:1 sets \S+ = 5 .*, so it wins over 262144/,
        /^\/etc\/sysctl\.d\/99-zz\.conf:1 sets \S+ = 7 .*; \/etc\/sysctl\.conf:1 sets it later/,
      ],
    },
    {
      name: 'the target not read at boot is refused',
      target: '/etc/sysctl.conf',
      files: [conf()],
      refusal: /not read at boot/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const fix = planSysctlBoot({ config: config(c.files, c.init, c.compat), target: c.target, entries });
      if (c.refusal) {
        assert.match(fix.refusal ?? '', c.refusal);
        return;
      }
      assert.equal(fix.refusal, undefined);
      const disabled = fix.changes.flatMap((change) => {
        if (change.kind !== 'file' || !change.after) return [];
        return readBytesText(change.after)
          .split('\n')
          .flatMap((l, i) => (l.startsWith(disabledPrefix) ? [`${change.path}:${i + 1}`] : []));
      });
      assert.deepEqual(disabled, c.disabled);
      assert.equal(fix.notes.length, c.disabled?.length);
      if (c.notes) {
        assert.equal(fix.notes.length, c.notes.length, fix.notes.join('\n'));
        c.notes.forEach((note, i) => assert.match(fix.notes[i] ?? '', note));
      }
    });
  }
});
