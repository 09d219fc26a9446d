import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRunReporter } from '../../src/report/run-reporter.js';
import { createCapture } from './capture.fixture.js';
import { fleetRun } from './run-events.fixture.js';

describe('createRunReporter', () => {
  const cases = [
    { format: 'plain', check: (out: string) => out.includes('lab1: changed') },
    { format: 'json', check: (out: string) => (JSON.parse(out) as { run_id: string }).run_id === 'run-42' },
    // a tree into a pipe degrades to the plain lines instead of writing cursor movements into a file
    { format: 'tree', check: (out: string) => out.includes('lab1: changed') && !out.includes('\x1b[') },
  ] as const;
  for (const { format, check } of cases) {
    it(`${format} on a non-TTY stream`, async () => {
      const capture = createCapture();
      const reporter = createRunReporter({ format, stream: capture.stream, color: false });
      fleetRun().forEach((e) => reporter.onEvent(e));
      await reporter.finish();
      assert.ok(check(capture.text()), capture.text());
    });
  }
});
