/** The live tree reporter end to end on a fake terminal with a fake clock: bounded frames, summary past the height. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/runner/events.js';
import { createTreeReporter } from '../../src/report/tree-reporter.js';
import { createCapture, lastFrame } from './capture.fixture.js';
import { createFakeClock } from './tree-fake-clock.js';
import { hostResult, step, stepSpecs } from './run-events.fixture.js';

/** Every host's full event stream (connect, facts, plan, two steps, verdict), hosts interleaved as a busy fleet does. */
function fleetEvents(hosts: string[], outcome: (host: string) => 'changed' | 'unreachable'): RunEvent[] {
  const perHost = hosts.map((host): RunEvent[] => {
    if (outcome(host) === 'unreachable') {
      return [
        { type: 'host-start', host, batch: 0 },
        { type: 'host-end', result: hostResult(host, 0, 'unreachable', { error: 'connect timed out after 10000 ms' }) },
      ];
    }
    const steps = [step(0, 'changed'), step(1, 'changed')];
    return [
      { type: 'host-start', host, batch: 0 },
      { type: 'host-connected', host },
      { type: 'host-planned', host, plans: [] },
      ...steps.flatMap((result, index): RunEvent[] => [
        { type: 'step-start', host, index, label: result.label },
        { type: 'step-end', host, index, result },
      ]),
      { type: 'host-end', result: hostResult(host, 0, 'changed', { steps }) },
    ];
  });
  const mixed: RunEvent[] = [];
  for (let i = 0; perHost.some((events) => i < events.length); i++)
    for (const events of perHost) if (events[i]) mixed.push(events[i] as RunEvent);
  return [
    { type: 'run-start', runId: 'r', hosts, steps: stepSpecs, batches: [hosts] },
    { type: 'batch-start', batch: 0, hosts },
    ...mixed,
  ];
}

function countingCapture(rows: number) {
  const capture = createCapture({ isTTY: true, columns: 100 });
  capture.stream.rows = rows;
  let writes = 0;
  const write = capture.stream.write.bind(capture.stream) as (chunk: string) => boolean;
  capture.stream.write = ((chunk: string) => {
    writes += 1;
    return write(chunk);
  }) as typeof capture.stream.write;
  return { capture, writes: () => writes };
}

describe('live tree reporter (fake terminal, fake clock)', () => {
  it('draws at most 10 frames a second however many events come, none inside onEvent', async () => {
    const hosts = Array.from({ length: 100 }, (_, i) => `web${i + 1}`);
    const events = fleetEvents(hosts, (h) => (h === 'web42' ? 'unreachable' : 'changed'));
    const clock = createFakeClock();
    const { capture, writes } = countingCapture(40);
    const reporter = createTreeReporter({ stream: capture.stream, color: false, clock });
    // all events within 2 s of fake time
    const stepMs = 2000 / events.length;
    let onEventWrites = 0;
    for (const event of events) {
      const before = writes();
      reporter.onEvent(event);
      onEventWrites += writes() - before;
      clock.advance(stepMs);
    }
    clock.advance(100);
    const liveFrames = writes();
    assert.equal(onEventWrites, 0, 'onEvent never draws');
    assert.ok(events.length > 700, `${events.length} events`);
    assert.ok(liveFrames >= 10 && liveFrames <= 22, `${liveFrames} frames for ${events.length} events in 2.1 s`);
    await reporter.finish();
    const frame = lastFrame(capture.text());
    assert.equal(
      frame,
      [
        '✖ batch 1/1 (100 hosts) — changed 99, failed 1',
        '  ✖ web42 — unreachable: connect timed out after 10000 ms',
        '',
        '100 hosts: 99 changed, 1 unreachable (exit 1)',
        '',
      ].join('\n'),
    );
  });

  it('every live frame fits the terminal: past its height, counts instead of one line per host', async () => {
    const hosts = Array.from({ length: 30 }, (_, i) => `web${i + 1}`);
    const events = fleetEvents(hosts, (h) => (Number(h.slice(3)) % 10 === 0 ? 'unreachable' : 'changed'));
    const clock = createFakeClock();
    const { capture } = countingCapture(12);
    const reporter = createTreeReporter({ stream: capture.stream, color: false, clock });
    const frames: string[] = [];
    let seen = 0;
    const collect = (): void => {
      const text = capture.text();
      if (text.length > seen) frames.push(text.slice(seen));
      seen = text.length;
    };
    for (const event of events) {
      reporter.onEvent(event);
      clock.advance(20);
      collect();
    }
    clock.advance(100);
    collect();
    assert.ok(frames.length > 5);
    for (const frame of frames) {
      const lines = frame
        .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
        .split('\n')
        .filter((l) => l !== '');
      assert.ok(lines.length <= 11, `a frame of ${lines.length} lines:\n${lines.join('\n')}`);
      assert.match(lines[0] ?? '', /^\S batch 1\/1 \(30 hosts\) — /);
    }
    assert.match(frames.at(-1) ?? '', /batch 1\/1 \(30 hosts\) — changed 27, failed 3/);
    await reporter.finish();
  });

  it('within the height, the per-host tree', async () => {
    const events = fleetEvents(['a', 'b'], () => 'changed');
    const clock = createFakeClock();
    const { capture } = countingCapture(40);
    const reporter = createTreeReporter({ stream: capture.stream, color: false, clock });
    events.forEach((event) => reporter.onEvent(event));
    clock.advance(0);
    assert.match(capture.text(), /✔ a — changed\n {2}✔ raise_max: nf_conntrack_max 65536 → 262144\n/);
    await reporter.finish();
    assert.match(lastFrame(capture.text()), /^✔ a — changed\n(?: {2}✔ .*\n){2}✔ b — changed\n/);
  });
});
