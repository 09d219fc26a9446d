import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { splitGatherOutput } from '../../../src/facts/gather-frame.js';
import { gatherFunctions } from '../../../src/facts/gather-script.js';
import { bootConfigSection, readBootConfig } from '../../../src/facts/sections/boot-config.js';
import { recordHeader } from '../../../src/remote/records.js';
import { frameOf, gatherFixture } from '../gather-fixture.js';

const g = gatherFixture();
/** The section's shell as the gather runs it: the records of g's token, the helpers, fd 5 the real stdout. */
const asGather = (section: string) => `${recordHeader(g.token)}\n${gatherFunctions}\n{\n${section}\n} 5>&1\n`;

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('readBootConfig', () => {
  it('reads links, masks, missing files and the bytes of files that mention conntrack', () => {
    const frame = frameOf([
      g.value('boot_init', 'systemd'),
      g.value('compat_sysctls', 0),
      g.value('cmdline_hashsize', 16384),
      ...g.block('boot-entry /etc/sysctl.d/99-sysctl.conf', [
        'link ../sysctl.conf',
        'real /etc/sysctl.conf',
        'mentions',
      ]),
      ...g.block('file boot /etc/sysctl.d/99-sysctl.conf', [
        'meta 644 0 0',
        `base64 ${b64('net.netfilter.nf_conntrack_max = 1\n')}`,
      ]),
      ...g.block('boot-entry /etc/sysctl.d/50-off.conf', ['link /dev/null', 'real /dev/null']),
      ...g.block('boot-entry /etc/modprobe.d/x.conf', ['real /etc/modprobe.d/x.conf', 'mentions']),
      ...g.block('file boot /etc/modprobe.d/x.conf', ['unreadable']),
      ...g.block('boot-entry /etc/sysctl.d/90-conntrack-fleet.conf', [
        'real /etc/sysctl.d/90-conntrack-fleet.conf',
        'missing',
      ]),
      g.record('done'),
    ]);
    const problems: string[] = [];
    const config = readBootConfig(frame, problems);
    assert.equal(config?.init, 'systemd');
    assert.equal(config?.compatSysctls, false);
    assert.equal(config?.cmdlineHashsize, '16384');
    assert.deepEqual(
      config?.files.map((f) => [f.path, f.linkTarget, f.realPath, f.missing, f.mentions, f.state?.mode ?? null]),
      [
        ['/etc/sysctl.d/99-sysctl.conf', '../sysctl.conf', '/etc/sysctl.conf', false, true, 0o644],
        ['/etc/sysctl.d/50-off.conf', '/dev/null', '/dev/null', false, false, null],
        ['/etc/modprobe.d/x.conf', null, '/etc/modprobe.d/x.conf', false, true, null],
        ['/etc/sysctl.d/90-conntrack-fleet.conf', null, '/etc/sysctl.d/90-conntrack-fleet.conf', true, false, null],
      ],
    );
    assert.deepEqual(problems, ['/etc/modprobe.d/x.conf cannot be read']);
  });

  it('is null for an output without the boot config (old script, cut short)', () => {
    assert.equal(readBootConfig(frameOf([g.value('kernel', '6.1'), g.record('done')]), []), null);
  });

  it('the shell lists a real directory tree with dash: links, content only for conntrack files, the cmdline hashsize', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ctf-boot-'));
    mkdirSync(path.join(root, 'sysctl.d'));
    writeFileSync(path.join(root, 'sysctl.conf'), 'net.netfilter.nf_conntrack_max = 7\n');
    writeFileSync(path.join(root, 'sysctl.d', '10-other.conf'), 'vm.swappiness = 1\n');
    symlinkSync('../sysctl.conf', path.join(root, 'sysctl.d', '99-sysctl.conf'));
    // the function takes its directories from the script; point one of them at the temp tree
    writeFileSync(
      path.join(root, 'cmdline'),
      'BOOT_IMAGE=/vmlinuz ro nf_conntrack.hashsize=1024 quiet nf-conntrack.hashsize=2048\n',
    );
    const section = bootConfigSection
      .sh({ files: [] })
      .replace("'/etc/sysctl.d ", `'${root}/sysctl.d `)
      .replace('< /proc/cmdline', `< ${root}/cmdline`);
    const script = asGather(section);
    const shell = ['dash', 'sh'].find((s) => {
      try {
        execFileSync('which', [s]);
        return true;
      } catch {
        return false;
      }
    })!;
    const stdout = execFileSync(shell, ['-s'], { input: script }).toString();
    const config = readBootConfig(splitGatherOutput(stdout, g.token), [])!;
    assert.equal(config.cmdlineHashsize, '2048', 'the last nf-conntrack.hashsize= of the command line');
    const mine = config.files.filter((f) => f.path.startsWith(root));
    assert.deepEqual(
      mine.map((f) => [
        path.basename(f.path),
        f.realPath === path.join(root, 'sysctl.conf'),
        f.mentions,
        f.state !== null,
      ]),
      [
        ['10-other.conf', false, false, false],
        ['99-sysctl.conf', true, true, true],
      ],
    );
    assert.equal(mine[1]?.linkTarget, '../sysctl.conf');
    assert.equal(
      Buffer.from(mine[1]!.state!.contentBase64, 'base64').toString(),
      'net.netfilter.nf_conntrack_max = 7\n',
    );
  });

  // as a section test runs it (each block at once) and as the gather does (cf_stat_later: file blocks after cf_flush,
  // so a `same-as` block comes BEFORE the block it names)
  for (const [how, before, end] of [
    ['at once', '', ''],
    ['in the gather, after cf_flush', 'cf_stat_later=1', 'cf_flush'],
  ] as const)
    it(`a file read once is named by the entries after it (\`same-as\`): each gets the same state (${how})`, () => {
      const root = mkdtempSync(path.join(tmpdir(), 'ctf-boot-same-'));
      mkdirSync(path.join(root, 'sysctl.d'));
      writeFileSync(path.join(root, 'sysctl.conf'), 'net.netfilter.nf_conntrack_max = 7\n');
      symlinkSync('../sysctl.conf', path.join(root, 'sysctl.d', '98-relative.conf'));
      symlinkSync(path.join(root, 'sysctl.conf'), path.join(root, 'sysctl.d', '99-absolute.conf'));
      const section = bootConfigSection.sh({ files: [] }).replace("'/etc/sysctl.d ", `'${root}/sysctl.d `);
      const stdout = execFileSync('sh', ['-s'], { input: asGather(`${before}\n${section}\n${end}`) }).toString();
      const reads = stdout
        .split(`${g.record('begin', 'file boot ')}`)
        .filter((block) => block.startsWith(root))
        .map((block) => block.split('\n')[1]?.split(' ')[0]);
      assert.deepEqual(reads.sort(), ['meta', 'same-as'], 'the shared file is read once');
      const problems: string[] = [];
      const mine = readBootConfig(splitGatherOutput(stdout, g.token), problems)!.files.filter((f) =>
        f.path.startsWith(root),
      );
      assert.deepEqual(
        mine.map((f) => [path.basename(f.path), f.realPath, f.linkTarget]),
        [
          ['98-relative.conf', path.join(root, 'sysctl.conf'), '../sysctl.conf'],
          ['99-absolute.conf', path.join(root, 'sysctl.conf'), path.join(root, 'sysctl.conf')],
        ],
      );
      assert.deepEqual(problems, []);
      assert.deepEqual(mine[1]?.state, mine[0]?.state);
      assert.equal(
        Buffer.from(mine[1]?.state?.contentBase64 ?? '', 'base64').toString(),
        'net.netfilter.nf_conntrack_max = 7\n',
      );
    });
});

describe('boot-config shell: which files mention conntrack (one grep -o for all)', () => {
  // [dir, name, bytes, mentions]: an install line counts in modprobe.d only (kmod reads it; sysctl does not)
  const files: Array<[string, string, Buffer, boolean]> = [
    ['sysctl.d', '10-ct.conf', Buffer.from('net.netfilter.nf_conntrack_max = 1\n'), true],
    ['sysctl.d', '20-install.conf', Buffer.from('  install nf_nat /bin/false\n'), false],
    ['sysctl.d', '30-nul.conf', Buffer.from([0x78, 0, 10, ...Buffer.from('nf_conntrack_max=1\n')]), true],
    ['sysctl.d', '40-plain.conf', Buffer.from('vm.swappiness = 1\n12345\n'), false],
    ['modprobe.d', '10-install.conf', Buffer.from('\tinstall nf_nat /bin/false\n'), true],
    ['modprobe.d', '20-ct.conf', Buffer.from('options nf_conntrack hashsize=1\n'), true],
    ['modprobe.d', '30-other.conf', Buffer.from('options snd index=0\n# reinstall later\n12345\n'), false],
    ['asked', 'install.conf', Buffer.from('install x /bin/true\n'), false],
    ['asked', 'ct.conf', Buffer.from('nf_conntrack\n'), true],
  ];
  const shells = [['dash'], ['bash'], ['busybox', 'sh']].filter(([shell]) => {
    try {
      execFileSync('which', [shell!]);
      return true;
    } catch {
      return false;
    }
  });
  for (const shell of shells) {
    it(`${shell[0]}: conntrack anywhere, install lines in modprobe.d, a file with a NUL byte too`, () => {
      const root = mkdtempSync(path.join(tmpdir(), 'ctf-boot-mentions-'));
      for (const dir of ['sysctl.d', 'modprobe.d', 'asked']) mkdirSync(path.join(root, dir));
      for (const [dir, name, bytes] of files) writeFileSync(path.join(root, dir, name), bytes);
      const asked = files.filter(([dir]) => dir === 'asked').map(([dir, name]) => path.join(root, dir, name));
      const section = bootConfigSection
        .sh({ files: asked })
        .replace("'/etc/sysctl.d ", `'${root}/sysctl.d `)
        .replace("'/etc/modprobe.d ", `'${root}/modprobe.d `);
      const stdout = execFileSync(shell[0]!, [...shell.slice(1), '-s'], { input: asGather(section) }).toString();
      const mine = readBootConfig(splitGatherOutput(stdout, g.token), [])!.files.filter((f) => f.path.startsWith(root));
      assert.deepEqual(
        mine.map((f) => [path.relative(root, f.path), f.mentions]),
        files.map(([dir, name, , mentions]) => [`${dir}/${name}`, mentions]),
      );
    });
  }
});
