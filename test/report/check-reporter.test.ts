import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CheckResult, withAlarms } from '../../src/facts/check-result.js';
import { createCheckReporter, noAnswerError } from '../../src/report/check-reporter.js';
import type { ReportFormat } from '../../src/report/format.js';
import { ansiEscape, createCapture, lastFrame } from './capture.fixture.js';
import { answered, unreachable } from './check-results.fixture.js';

const hosts = ['lab1', 'lab2', 'lab3'];
const results: CheckResult[] = [
  unreachable('lab3', 'connect ECONNREFUSED'),
  answered('lab2', { count: 60000, problems: ['iptables-save not found'] }),
  answered('lab1'),
];
const limit = { timeout: 15_000 };

/** Joins listr2's wrapped continuation lines back onto their line. */
const unwrap = (frame: string): string => frame.replace(/\n {2,}(?![›✔✖↓])/g, ' ');

async function runCheck(
  format: ReportFormat,
  options: { isTTY?: boolean; feed?: CheckResult[] } = {},
): Promise<string> {
  const capture = createCapture({ isTTY: options.isTTY });
  const reporter = createCheckReporter({ format, stream: capture.stream, color: false, hosts });
  for (const result of options.feed ?? results) {
    reporter.onResult(result);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await reporter.finish();
  return capture.text();
}

describe('createCheckReporter', () => {
  it('plain: one block per answer as it arrives, then the count line', limit, async () => {
    const lines = (await runCheck('plain')).trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => l.slice(0, 5)),
      ['lab3!', 'lab2!', '     ', 'lab1 ', '3 hos'],
    );
    assert.equal(lines.at(-1), '3 hosts: 2 answered, 1 unreachable');
    assert.doesNotMatch(lines.join('\n'), ansiEscape);
  });

  it('json: nothing until finish, then the array in inventory order', limit, async () => {
    const parsed = JSON.parse(await runCheck('json')) as { host: string }[];
    assert.deepEqual(
      parsed.map((r) => r.host),
      hosts,
    );
  });

  it('tree on a non-TTY stream degrades to plain lines', limit, async () => {
    const text = await runCheck('tree');
    assert.doesNotMatch(text, ansiEscape);
    assert.ok(text.includes('lab2! 6.18.44'));
  });

  it('plain and json: a host that never answered is listed as unreachable', limit, async () => {
    const plain = await runCheck('plain', { feed: [answered('lab1')] });
    assert.ok(plain.includes(`lab2! unreachable: ${noAnswerError}`));
    assert.equal(plain.trimEnd().split('\n').at(-1), '3 hosts: 1 answered, 2 unreachable');
    const json = JSON.parse(await runCheck('json', { feed: [answered('lab1')] })) as {
      host: string;
      reachable: boolean;
      error: string | null;
    }[];
    assert.deepEqual(
      json.map((r) => [r.host, r.reachable, r.error]),
      [
        ['lab1', true, null],
        ['lab2', false, noAnswerError],
        ['lab3', false, noAnswerError],
      ],
    );
  });

  it('tree on a TTY: a task per host, problems under it, the count line after', limit, async () => {
    // listr2 wraps at process.stdout's width, which a test does not control: compare unwrapped
    const frame = unwrap(lastFrame(await runCheck('tree', { isTTY: true })));
    assert.match(frame, /✔ lab1 {2}6\.18\.44/);
    assert.match(frame, /✔ lab2! 6\.18\.44 .*WARN: usage 91\.6% ≥ 80%/);
    assert.match(frame, /problem: iptables-save not found/);
    assert.match(frame, /✖ lab3! unreachable: connect ECONNREFUSED/);
    assert.equal(frame.trimEnd().split('\n').at(-1), '3 hosts: 2 answered, 1 unreachable');
  });

  it(
    'tree on a TTY: a host with alarms shows them as problems under it, and the count line counts it',
    limit,
    async () => {
      const full = withAlarms(
        answered('lab1', { count: 65536, stats: { drop: 1234, early_drop: 0, insert_failed: 0, all: {} } }),
        { failAbovePercent: 90 },
      );
      const frame = unwrap(
        lastFrame(await runCheck('tree', { isTTY: true, feed: [full, answered('lab2'), answered('lab3')] })),
      );
      assert.match(frame, /lab1! 6\.18\.44 .*WARN: usage 100\.0% ≥ 80%/);
      assert.match(frame, /problem: usage 100\.0% ≥ 90% \(65536 of nf_conntrack_max 65536\)/);
      assert.match(frame, /problem: 1234 drops/);
      assert.equal(frame.trimEnd().split('\n').at(-1), '3 hosts: 3 answered, 1 with problems');
    },
  );

  it('tree does not hang when a host never answers, and shows late strangers after the tree', limit, async () => {
    const frame = lastFrame(await runCheck('tree', { isTTY: true, feed: [answered('lab1'), answered('zed')] }));
    assert.ok(unwrap(frame).includes(`✖ lab2! ${noAnswerError}`), frame);
    assert.match(frame, /^zed +6\.18\.44/m);
    assert.equal(frame.trimEnd().split('\n').at(-1), '4 hosts: 2 answered, 2 unreachable');
  });
});
