import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostLogEvent, RunEvent } from '../../src/runner/events.js';
import { createPhaseTracker, createVerboseReporter, formatHostLog } from '../../src/report/verbose.js';
import { createRedactor, redactedMark, safeLines } from '../../src/report/verbose-text.js';
import { createCapture } from './capture.fixture.js';

const noRedact = (text: string) => text;
const done = (fields: Partial<HostLogEvent> = {}): HostLogEvent => ({
  type: 'host-log',
  host: 'lab1',
  stage: 'done',
  exchange: 'script',
  durationMs: 42,
  ...fields,
});

describe('formatHostLog by verbosity', () => {
  const result = done({ exitCode: 1, signal: null, stderr: 'sysctl: permission denied\n', stdout: 'max=65536\n' });
  const cases: [string, HostLogEvent, number, string[]][] = [
    ['-v: phase and duration', result, 1, ['lab1: gather 42ms']],
    [
      '-vv: + exit status and stderr',
      result,
      2,
      ['lab1: gather 42ms, exit 1', 'lab1:   stderr: sysctl: permission denied'],
    ],
    [
      '-vvv: + stdout',
      result,
      3,
      ['lab1: gather 42ms, exit 1', 'lab1:   stderr: sysctl: permission denied', 'lab1:   stdout: max=65536'],
    ],
    [
      '-vv: killed by a signal',
      done({ exitCode: null, signal: 'KILL', stderr: '' }),
      2,
      ['lab1: gather 42ms, killed by KILL'],
    ],
    [
      '-v: a failed connect',
      done({ exchange: 'connect', error: 'connect ECONNREFUSED 127.0.0.1:1' }),
      1,
      ['lab1: connect 42ms, failed: connect ECONNREFUSED 127.0.0.1:1'],
    ],
    [
      '-v: the script sent is not shown',
      { type: 'host-log', host: 'lab1', stage: 'sent', exchange: 'script', script: 'echo hi' },
      1,
      [],
    ],
    [
      '-vvv: the script sent',
      { type: 'host-log', host: 'lab1', stage: 'sent', exchange: 'script', script: 'a\nb' },
      3,
      ['lab1: gather: sending script (2 lines)', 'lab1:   > a', 'lab1:   > b'],
    ],
  ];
  for (const [name, event, level, expected] of cases) {
    it(name, () =>
      assert.deepEqual(
        formatHostLog(event, event.exchange === 'connect' ? 'connect' : 'gather', level, noRedact),
        expected,
      ),
    );
  }

  it('redacts secrets and escapes control characters in every field', () => {
    const redact = createRedactor(new Set(['s3cret']));
    const lines = formatHostLog(
      done({ exitCode: 0, stderr: 'pw s3cret\x1b[2J', stdout: 'x\ts3cret' }),
      'gather',
      3,
      redact,
    );
    assert.deepEqual(lines, [
      'lab1: gather 42ms, exit 0',
      `lab1:   stderr: pw ${redactedMark}\\x1b[2J`,
      `lab1:   stdout: x\\t${redactedMark}`,
    ]);
    assert.ok(!lines.join('\n').includes('s3cret'));
  });
});

describe('verbose text', () => {
  it('redacts every occurrence of every secret, and secrets added later', () => {
    const secrets = new Set(['pw']);
    const redact = createRedactor(secrets);
    assert.equal(redact('pw and pw'), `${redactedMark} and ${redactedMark}`);
    secrets.add('later');
    assert.equal(redact('later'), redactedMark);
  });
  it('ignores empty secrets', () => assert.equal(createRedactor(new Set(['']))('text'), 'text'));
  it('escapes C0, C1 and DEL in each line', () =>
    assert.deepEqual(safeLines('a\x00b\x7fc\x9bd', noRedact), ['a\\x00b\\x7fc\\x9bd']));
  it('splits lines without a trailing empty one, CRLF too', () =>
    assert.deepEqual(safeLines('a\r\nb\n', noRedact), ['a', 'b']));
  it('has no line for empty text', () => assert.deepEqual(safeLines('', noRedact), []));
});

describe('phase tracker', () => {
  it('names each script by what the host is doing', () => {
    const tracker = createPhaseTracker();
    const phases: string[] = [];
    const script = done();
    const sequence: RunEvent[] = [
      { type: 'run-start', runId: 'r', hosts: ['lab1'], steps: [], batches: [['lab1']] },
      { type: 'host-start', host: 'lab1', batch: 0 },
      { type: 'host-planned', host: 'lab1', plans: [] },
      { type: 'step-start', host: 'lab1', index: 0, label: 'raise_max' },
      {
        type: 'step-end',
        host: 'lab1',
        index: 0,
        result: {
          step: 'raise_max',
          label: 'raise_max',
          outcome: 'changed',
          lines: [],
          warnings: [],
          before: {},
          after: {},
          error: null,
        },
      },
      { type: 'rollback-start', host: 'lab1', reason: 'x' },
      { type: 'gate-start', batch: 0, soakMs: 10 },
    ];
    phases.push(tracker.phaseOf(script));
    for (const event of sequence) {
      tracker.onEvent(event);
      phases.push(tracker.phaseOf(script));
    }
    assert.deepEqual(phases, ['script', 'script', 'gather', 'apply', 'raise_max', 'journal', 'rollback', 'gate']);
    assert.equal(tracker.phaseOf(done({ exchange: 'connect' })), 'connect');
    assert.equal(tracker.phaseOf(done({ exchange: 'hold' })), 'lock');
  });
});

describe('verbose reporter', () => {
  it('writes host-log lines as they come, at most -vvv', async () => {
    const capture = createCapture();
    const reporter = createVerboseReporter({ stream: capture.stream, level: 5, redact: noRedact });
    reporter.onEvent({ type: 'host-start', host: 'lab1', batch: 0 });
    reporter.onEvent(done({ exitCode: 0, stderr: '', stdout: 'ok\n' }));
    await reporter.finish();
    assert.equal(capture.text(), 'lab1: gather 42ms, exit 0\nlab1:   stdout: ok\n');
  });
});
