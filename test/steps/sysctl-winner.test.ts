import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BootConfig, BootFile } from '../../src/facts/types.js';
import { sysctlReadOrder } from '../../src/steps/sysctl-order.js';
import { bootAssignments, lastAssignments } from '../../src/steps/sysctl-winner.js';
import { bootFile } from '../fixtures/steps/facts.js';

const max = 'net.netfilter.nf_conntrack_max';
const udp = 'net.netfilter.nf_conntrack_udp_timeout';
const link99 = bootFile('/etc/sysctl.d/99-sysctl.conf', { link: '../sysctl.conf', realPath: '/etc/sysctl.conf' });

/** `FILE:LINE = VALUE` of the line each knob gets its boot value from, as systemd-sysctl (or sysctl --system) applies them. */
function winners(files: BootFile[], init: BootConfig['init'] = 'systemd', compat = false): Record<string, string> {
  const order = sysctlReadOrder({ init, compatSysctls: compat, cmdlineHashsize: null, files }, []);
  const found = bootAssignments(order, compat);
  assert.equal(found.unreadable, null);
  const last = lastAssignments(found.assignments);
  return Object.fromEntries([...last].map(([id, a]) => [id, `${a.file.path}:${a.line} = ${a.value}`]));
}

describe('the line a knob gets its value from at boot: the last assignment in the last file read (sysctl.d(5))', () => {
  const cases: {
    name: string;
    files: BootFile[];
    init?: BootConfig['init'];
    compat?: boolean;
    want: Record<string, string>;
  }[] = [
    {
      name: 'the same key twice in one file: the later line',
      files: [bootFile('/etc/sysctl.d/50-a.conf', { text: `${max} = 1\n${max} = 2\n` })],
      want: { max: '/etc/sysctl.d/50-a.conf:2 = 2' },
    },
    {
      name: 'the later file by name wins over a higher line number in an earlier file',
      files: [
        bootFile('/etc/sysctl.d/50-a.conf', { text: `\n\n\n${max} = 1\n` }),
        bootFile('/usr/lib/sysctl.d/60-b.conf', { text: `${max} = 2\n` }),
      ],
      want: { max: '/usr/lib/sysctl.d/60-b.conf:1 = 2' },
    },
    {
      name: 'names of one knob count as one key: the alias and slashes',
      files: [
        bootFile('/etc/sysctl.d/50-a.conf', {
          text: `${max} = 1\nnet.nf_conntrack_max = 2\n-net/netfilter/nf_conntrack_udp_timeout = 30\n`,
        }),
      ],
      want: { max: '/etc/sysctl.d/50-a.conf:2 = 2', udp_timeout: '/etc/sysctl.d/50-a.conf:3 = 30' },
    },
    {
      name: 'comments and dead compat names set nothing',
      files: [
        bootFile('/etc/sysctl.d/50-a.conf', {
          text: `${max} = 1\n# ${max} = 9\n; ${max} = 9\nnet.ipv4.netfilter.ip_conntrack_max = 9\n`,
        }),
      ],
      want: { max: '/etc/sysctl.d/50-a.conf:1 = 1' },
    },
    {
      name: 'compat names do set the knob on a kernel that has them',
      compat: true,
      files: [bootFile('/etc/sysctl.d/50-a.conf', { text: `${max} = 1\nnet.ipv4.netfilter.ip_conntrack_max = 9\n` })],
      want: { max: '/etc/sysctl.d/50-a.conf:2 = 9' },
    },
    {
      name: 'systemd: /etc/sysctl.conf counts where its 99-sysctl.conf link is read',
      files: [
        link99,
        bootFile('/etc/sysctl.d/99-zz.conf', { text: `${max} = 7\n` }),
        bootFile('/etc/sysctl.conf', { text: `${max} = 5\n${udp} = 1\n` }),
      ],
      want: { max: '/etc/sysctl.d/99-zz.conf:1 = 7', udp_timeout: '/etc/sysctl.d/99-sysctl.conf:2 = 1' },
    },
    {
      name: 'sysctl --system: /etc/sysctl.conf is read again last, so its line wins',
      init: 'other',
      files: [
        link99,
        bootFile('/etc/sysctl.d/99-zz.conf', { text: `${max} = 7\n` }),
        bootFile('/etc/sysctl.conf', { text: `${max} = 5\n` }),
      ],
      want: { max: '/etc/sysctl.conf:1 = 5' },
    },
    {
      name: 'a masked file is not read',
      files: [
        bootFile('/etc/sysctl.d/60-b.conf', { link: '/dev/null', realPath: '/dev/null' }),
        bootFile('/usr/lib/sysctl.d/60-b.conf', { text: `${max} = 2\n` }),
      ],
      want: {},
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(winners(c.files, c.init, c.compat), c.want));

  it('stops at a file that mentions conntrack but could not be read: what it sets is unknown', () => {
    const unreadable: BootFile = { ...bootFile('/etc/sysctl.d/60-b.conf'), mentions: true };
    const found = bootAssignments([bootFile('/etc/sysctl.d/50-a.conf', { text: `${max} = 1\n` }), unreadable], false);
    assert.equal(found.unreadable?.path, '/etc/sysctl.d/60-b.conf');
    assert.deepEqual(
      found.assignments.map((a) => a.line),
      [1],
    );
  });
});
