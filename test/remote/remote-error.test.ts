/**
 * stderr → human message. The texts are made here by real shells with failing writes (dash, bash, busybox), except
 * the rows that need a kernel state no test can create; those were captured from the same shells (see the comments).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseApplyOutput } from '../../src/changes/apply-output.js';
import { buildApplyScript } from '../../src/changes/apply-script.js';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import { describeRemoteFailure, stripShellNoise, type FailureSubject } from '../../src/remote/remote-error.js';
import { newRecordToken } from '../../src/remote/records.js';
import { createRedactor, redactedMark } from '../../src/report/verbose-text.js';

const token = newRecordToken();

const isRoot = process.getuid?.() === 0;
const shells = [
  { name: 'dash', argv: ['dash'] },
  { name: 'bash', argv: ['bash'] },
  { name: 'busybox sh', argv: ['busybox', 'sh'] },
].map((shell) => ({
  ...shell,
  missing: spawnSync(shell.argv[0]!, [...shell.argv.slice(1), '-c', 'true']).status !== 0,
}));

/** Neither a shell position (`sh: 29:`, `line 3:`) nor a doubled `printf: printf:` reaches the user. */
function assertNoShellNoise(message: string): void {
  assert.doesNotMatch(message, /\b(?:da|ba|a)?sh: (?:line )?\d+: |\bline \d+: |printf: printf:/, message);
}

function stderrOf(argv: string[], script: string, wrap: string[] = []): { stderr: string; status: number | null } {
  const [command, ...args] = [...wrap, ...argv, '-c', script];
  const result = spawnSync(command!, args, { encoding: 'utf8' });
  return { stderr: result.stderr, status: result.status };
}

describe('stripShellNoise', () => {
  const cases: [string, string][] = [
    ['sh: 29: printf: printf: I/O error', 'printf: I/O error'],
    ['dash: 1: cannot create /x/y: Directory nonexistent', 'cannot create /x/y: Directory nonexistent'],
    [
      'bash: line 3: /proc/sys/net/netfilter/nf_conntrack_max: Permission denied',
      '/proc/sys/net/netfilter/nf_conntrack_max: Permission denied',
    ],
    ["sh: can't create /x: nonexistent directory", "can't create /x: nonexistent directory"],
    ['sha256sum: /etc/x: Permission denied', 'sha256sum: /etc/x: Permission denied'],
    // ctf_say joins lines with spaces: the second position must go too
    [
      'sh: 3: cannot create /a: Permission denied sh: 4: cannot create /b: Permission denied',
      'cannot create /a: Permission denied cannot create /b: Permission denied',
    ],
    ['line one\n\nsh: 2: line two', 'line one; line two'],
    // a hostile or broken remote cannot drive the terminal: controls are shown, not obeyed
    ['evil \x1b[2J\x07 text\r\n', 'evil \\x1b[2J\\x07 text'],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => assert.equal(stripShellNoise(input), want));
  it('keeps a backslash single, so the verbose redactor still finds a secret that holds one', () => {
    const secret = 'pa\\ss';
    const said = stripShellNoise(`sh: 1: ${secret}\x1b: not found`);
    assert.equal(createRedactor(new Set([secret]))(said), `${redactedMark}\\x1b: not found`);
  });
});

describe('describeRemoteFailure: texts captured on Linux 6.18 (kernel states a unit test cannot create)', () => {
  const hashsize: FailureSubject = {
    kind: 'knob',
    key: 'nf_conntrack.hashsize',
    path: '/sys/module/nf_conntrack/parameters/hashsize',
  };
  const max: FailureSubject = {
    kind: 'knob',
    key: 'nf_conntrack_max',
    path: '/proc/sys/net/netfilter/nf_conntrack_max',
  };
  const sysctlConf: FailureSubject = { kind: 'file', path: '/etc/sysctl.conf' };
  const cases = [
    // `unshare -n dash -c 'printf 5 > …/hashsize'`: the bug report's message
    {
      stderr: 'sh: 29: printf: printf: I/O error',
      subject: hashsize,
      errno: 'I/O error',
      cause: /initial network namespace/,
    },
    // the apply script's tee retry of the same write
    {
      stderr: 'tee: /sys/module/nf_conntrack/parameters/hashsize: Operation not supported',
      subject: hashsize,
      errno: 'Operation not supported',
      cause: /initial network namespace/,
    },
    {
      stderr: 'bash: line 1: printf: write error: Operation not supported',
      subject: hashsize,
      errno: 'Operation not supported',
      cause: /container/,
    },
    {
      stderr: 'dash: 1: cannot create /proc/sys/net/netfilter/nf_conntrack_max: Permission denied',
      subject: max,
      errno: 'Permission denied',
      cause: /0444/,
    },
    {
      stderr: 'dash: 1: cannot create /proc/sys/net/netfilter/nf_conntrack_max: Read-only file system',
      subject: max,
      errno: 'Read-only file system',
      cause: /read-only/,
    },
    {
      stderr: 'bash: line 1: printf: write error: Invalid argument',
      subject: max,
      errno: 'Invalid argument',
      cause: /out of range/,
    },
    {
      stderr: "mv: cannot move '/etc/.conntrack-fleet.Ab12' to '/etc/sysctl.conf': Operation not permitted",
      subject: sysctlConf,
      errno: 'Operation not permitted',
      cause: /chattr \+i/,
    },
    {
      stderr: "mktemp: failed to create file via template '/etc/.conntrack-fleet.XXXXXX': No space left on device",
      subject: sysctlConf,
      errno: 'No space left on device',
      cause: /full/,
    },
  ];
  for (const c of cases) {
    it(`${c.subject.key ?? c.subject.path}: ${c.stderr}`, () => {
      const message = describeRemoteFailure(c.stderr, c.subject, 1);
      assert.ok(message.includes(c.errno), message);
      assert.ok(message.includes(c.subject.path!), `names the file: ${message}`);
      if (c.subject.key) assert.ok(message.includes(c.subject.key), `names the key: ${message}`);
      assert.match(message, / — (?:[^;]+; )?likely cause: /);
      assert.match(message, c.cause);
      assertNoShellNoise(message);
    });
  }

  it('a knob message is KEY (PATH): write failed: ERRNO — likely cause: …', () => {
    assert.equal(
      describeRemoteFailure(
        'sh: 29: printf: printf: I/O error tee: /sys/module/nf_conntrack/parameters/hashsize: Operation not supported',
        hashsize,
        1,
      ),
      'nf_conntrack.hashsize (/sys/module/nf_conntrack/parameters/hashsize): write failed: Operation not supported — likely cause: ' +
        'the kernel allows this only from the initial network namespace (the host is a container?)',
    );
  });

  it('unknown text is kept (cleaned), with the subject and without a cause; empty stderr gives the exit status', () => {
    assert.equal(
      describeRemoteFailure('sh: 3: frobnicate: weird', sysctlConf, 1),
      '/etc/sysctl.conf: frobnicate: weird',
    );
    assert.equal(
      describeRemoteFailure('', max, 2),
      'nf_conntrack_max (/proc/sys/net/netfilter/nf_conntrack_max): write failed: exit status 2',
    );
  });
});

interface LiveCase {
  name: string;
  script: string;
  subject: FailureSubject;
  /** Per shell where they differ: dash hides the errno of a failed write behind "I/O error". */
  errno: string | Record<string, string>;
  /** Run inside this wrapper (root only), e.g. a throwaway mount namespace. */
  wrap?: string[];
}

const liveCases: LiveCase[] = [
  {
    name: 'write into a missing directory',
    script: "printf '1\\n' > /nonexistent-ctf/dir/x.conf",
    subject: { kind: 'file', path: '/nonexistent-ctf/dir/x.conf' },
    errno: 'No such file or directory',
  },
  {
    name: 'mv of a missing file',
    script: 'mv /nonexistent-ctf/a /nonexistent-ctf/b',
    subject: { kind: 'file', path: '/nonexistent-ctf/b' },
    errno: 'No such file or directory',
  },
  {
    name: 'write to a full device (/dev/full)',
    script: "printf '1\\n' > /dev/full || printf '1\\n' | tee /dev/full >/dev/null",
    subject: { kind: 'knob', key: 'full', path: '/dev/full' },
    errno: 'No space left on device',
  },
];

const rootCases: LiveCase[] = [
  {
    name: 'write into a read-only tmpfs',
    script: 'mount -t tmpfs -o size=64k,ro ctf-ro /mnt && printf 1 > /mnt/x.conf',
    subject: { kind: 'file', path: '/mnt/x.conf' },
    errno: 'Read-only file system',
    wrap: ['unshare', '-m'],
  },
  {
    name: 'mktemp in a full tmpfs',
    script:
      'mount -t tmpfs -o size=4k ctf-full /mnt && head -c 65536 /dev/zero > /mnt/fill 2>/dev/null; mktemp /mnt/.conntrack-fleet.XXXXXX && head -c 8192 /dev/zero > /mnt/more',
    subject: { kind: 'file', path: '/mnt/more' },
    errno: {
      dash: 'No space left on device',
      bash: 'No space left on device',
      'busybox sh': 'No space left on device',
    },
    wrap: ['unshare', '-m'],
  },
  {
    name: 'global nf_conntrack_max from a new network namespace',
    script: "printf '1\\n' > /proc/sys/net/netfilter/nf_conntrack_max",
    subject: { kind: 'knob', key: 'nf_conntrack_max', path: '/proc/sys/net/netfilter/nf_conntrack_max' },
    errno: 'Permission denied',
    wrap: ['unshare', '-n'],
  },
  {
    name: 'a non-number into a per-netns timeout',
    script:
      "printf 'abc\\n' > /proc/sys/net/netfilter/nf_conntrack_udp_timeout || printf 'abc\\n' | tee /proc/sys/net/netfilter/nf_conntrack_udp_timeout >/dev/null",
    subject: {
      kind: 'knob',
      key: 'nf_conntrack_udp_timeout',
      path: '/proc/sys/net/netfilter/nf_conntrack_udp_timeout',
    },
    errno: 'Invalid argument',
    wrap: ['unshare', '-n'],
  },
];

function rootSkip(c: LiveCase): string | false {
  if (!isRoot) return 'needs root for unshare';
  const probe = spawnSync(c.wrap![0]!, [
    ...c.wrap!.slice(1),
    'test',
    '-e',
    '/proc/sys/net/netfilter/nf_conntrack_udp_timeout',
  ]);
  return probe.status === 0 ? false : `${c.wrap!.join(' ')} failed or no conntrack sysctls here`;
}

for (const shell of shells) {
  describe(
    `describeRemoteFailure on live ${shell.name} errors`,
    { skip: shell.missing ? `${shell.name} not installed` : false },
    () => {
      for (const c of [...liveCases, ...rootCases]) {
        const skip = c.wrap ? rootSkip(c) : false;
        it(c.name, { skip }, () => {
          const { stderr, status } = stderrOf(shell.argv, c.script, c.wrap);
          assert.notEqual(status, 0, 'the write really failed');
          const message = describeRemoteFailure(stderr, c.subject, status);
          const errno = typeof c.errno === 'string' ? c.errno : c.errno[shell.name]!;
          assert.ok(message.includes(errno), `${errno} in: ${message} (stderr: ${stderr})`);
          assert.ok(message.includes(c.subject.path!), `names the file: ${message}`);
          assert.match(message, / — (?:[^;]+; )?likely cause: ./);
          assertNoShellNoise(message);
        });
      }
    },
  );
}

describe('the apply script names the errno dash hides', () => {
  const hashsizePath = '/sys/module/nf_conntrack/parameters/hashsize';
  const skip = !isRoot
    ? 'needs root for unshare -n'
    : spawnSync('unshare', ['-n', 'test', '-w', hashsizePath]).status !== 0
      ? `no writable-looking ${hashsizePath} here (nf_conntrack not loaded?)`
      : false;
  for (const shell of shells.filter((s) => !s.missing)) {
    it(
      `${shell.name}: hashsize from a new network namespace → Operation not supported, not "printf: I/O error"`,
      { skip },
      () => {
        const current = spawnSync('cat', [hashsizePath], { encoding: 'utf8' }).stdout.trim();
        // outside init_net the kernel refuses before looking at the value: the machine's table is never resized
        const changes = [
          makeKnobChange({
            key: 'nf_conntrack.hashsize',
            path: hashsizePath,
            before: current,
            after: String(Number(current) + 512),
          }),
        ];
        const result = spawnSync('unshare', ['-n', ...shell.argv, '-s'], {
          input: buildApplyScript(changes, { token }),
          encoding: 'utf8',
        });
        const [outcome] = parseApplyOutput(result.stdout, changes, token);
        assert.equal(outcome?.status, 'failed');
        assert.match(
          outcome?.error ?? '',
          /^nf_conntrack\.hashsize \(\/sys\/module\/nf_conntrack\/parameters\/hashsize\): write failed: Operation not supported — likely cause: .*initial network namespace/,
        );
        assert.equal(
          spawnSync('cat', [hashsizePath], { encoding: 'utf8' }).stdout.trim(),
          current,
          'the table was not resized',
        );
      },
    );
  }
});
