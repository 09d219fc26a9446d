import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTable, formatVerdict, parseSoakArgs, soakVerdict, type CycleSample } from './verdict.js';

const MiB = 2 ** 20;

/** A clean cycle on 10 hosts; each case changes what it tests. */
function cycle(n: number, change: Partial<CycleSample> = {}): CycleSample {
  return {
    cycle: n,
    tuneMs: 1500,
    rollbackMs: 1200,
    tuneExit: 0,
    rollbackExit: 0,
    changed: 10,
    rolledBack: 10,
    hostsDiffering: 0,
    tcpEstablished: 0,
    sshSessions: 0,
    rssBytes: 150 * MiB,
    heapUsedBytes: 30 * MiB,
    fds: 27,
    ...change,
  };
}

const clean = [1, 2, 3, 4].map((n) => cycle(n));

describe('soakVerdict', () => {
  const cases: { name: string; samples: CycleSample[]; failures: RegExp[] }[] = [
    { name: 'clean cycles pass', samples: clean, failures: [] },
    {
      name: 'fds within ±2 of the baseline pass',
      samples: [cycle(1, { fds: 29 }), cycle(2, { fds: 25 })],
      failures: [],
    },
    {
      name: 'fds 3 above the baseline fail',
      samples: [cycle(1), cycle(2, { fds: 30 })],
      failures: [/^cycle 2: 30 fds, baseline 27 ± 2$/],
    },
    {
      name: 'one leaked TCP connection fails',
      samples: [cycle(1, { tcpEstablished: 1 })],
      failures: [/^cycle 1: 1 ESTABLISHED TCP/],
    },
    {
      name: 'an SSH session left open fails',
      samples: [cycle(1), cycle(2, { sshSessions: 2 })],
      failures: [/^cycle 2: 2 SSH session/],
    },
    {
      name: 'a host not restored fails',
      samples: [cycle(1, { hostsDiffering: 1 })],
      failures: [/^cycle 1: 1 host\(s\) not back/],
    },
    {
      name: 'non-zero exits fail',
      samples: [cycle(1, { tuneExit: 1, rollbackExit: 4 })],
      failures: [/tune exited 1/, /rollback exited 4/],
    },
    {
      name: 'a tune that changed fewer hosts, a rollback that restored fewer, fail',
      samples: [cycle(1, { changed: 9, rolledBack: 8 })],
      failures: [/tune changed 9 of 10/, /rollback restored 8 of 10/],
    },
    {
      name: 'heap growth just under 10 MiB from cycle 2 passes (cycle 1 is warm-up and not compared)',
      samples: [cycle(1, { heapUsedBytes: 5 * MiB }), cycle(2), cycle(3, { heapUsedBytes: 30 * MiB + 10 * MiB - 1 })],
      failures: [],
    },
    {
      name: 'heap growth of 10 MiB from cycle 2 fails',
      samples: [cycle(1), cycle(2), cycle(3), cycle(4, { heapUsedBytes: 40 * MiB })],
      failures: [/^heapUsed grew 10\.0 MiB from cycle 2 to 4/],
    },
    { name: 'no cycle fails', samples: [], failures: [/^no cycle ran$/] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdict = soakVerdict(10, 27, c.samples);
      assert.equal(verdict.failures.length, c.failures.length, verdict.failures.join('\n'));
      c.failures.forEach((pattern, i) => assert.match(verdict.failures[i] ?? '', pattern));
      assert.equal(verdict.pass, c.failures.length === 0);
    });
  }

  it('reports heap growth from cycle 2 to the last, and none with fewer than 3 cycles', () => {
    assert.equal(soakVerdict(10, 27, [cycle(1), cycle(2), cycle(3, { heapUsedBytes: 31 * MiB })]).heapGrowthBytes, MiB);
    assert.equal(soakVerdict(10, 27, [cycle(1), cycle(2)]).heapGrowthBytes, null);
  });
});

describe('parseSoakArgs', () => {
  it('defaults to 200 hosts, 20 cycles, 50 forks', () => {
    assert.deepEqual(parseSoakArgs([]), { hosts: 200, cycles: 20, forks: 50, portBase: 41000 });
  });
  it('reads every flag', () => {
    assert.deepEqual(parseSoakArgs(['--hosts', '10', '--cycles', '3', '-f', '5', '--port-base', '42000']), {
      hosts: 10,
      cycles: 3,
      forks: 5,
      portBase: 42000,
    });
    assert.equal(parseSoakArgs(['--forks', '7']).forks, 7);
  });
  const bad: [string[], RegExp][] = [
    [['--hosts'], /--hosts needs a positive integer, got ""/],
    [['--hosts', '0'], /--hosts needs a positive integer/],
    [['--cycles', '2.5'], /--cycles needs a positive integer/],
    [['-f', 'x'], /-f needs a positive integer/],
    [['--nope', '1'], /unknown flag "--nope"/],
  ];
  for (const [args, message] of bad)
    it(`refuses ${args.join(' ')}`, () => assert.throws(() => parseSoakArgs(args), message));
});

describe('formatTable and formatVerdict', () => {
  it('one Markdown row per cycle with times in seconds and memory in MiB', () => {
    const lines = formatTable([cycle(1)]).split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '| 1 | 1.5 | 1.2 | 0/0 | 10/10 | 0 | 0 | 0 | 27 | 150.0 | 30.0 |');
  });
  it('says PASS, or FAIL with one line per failure', () => {
    assert.match(
      formatVerdict(soakVerdict(10, 27, clean), 27),
      /^soak: PASS — fds baseline 27 ± 2, .*heap growth cycle 2→last 0\.0 MiB/,
    );
    const failed = formatVerdict(soakVerdict(10, 27, [cycle(1, { tcpEstablished: 3 })]), 27).split('\n');
    assert.match(failed[0] ?? '', /^soak: FAIL — .*n\/a \(< 3 cycles\)/);
    assert.match(failed[1] ?? '', /^ {2}- cycle 1: 3 ESTABLISHED TCP/);
  });
});
