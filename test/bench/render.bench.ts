/**
 * The reporters alone, no SSH: a synthetic run of HOSTS hosts (connect, plan, 5 steps, verdict each; one in six unreachable) fed to the tree
 * (a fake 120×40 terminal) and to plain output at the pace of a real run (all events spread over 9 s), reporting the
 * CPU this process used. The difference between the two is what drawing the tree costs.
 */
import { Writable } from 'node:stream';
import { createRunReporter } from '../../src/report/run-reporter.js';
import type { RunEvent, StepResult } from '../../src/runner/events.js';

const durationMs = 9000;
const stepKinds = ['check_count', 'raise_max', 'set_hashsize', 'set_timeouts', 'persist'];

function syntheticRun(hostCount: number): RunEvent[] {
  const hosts = Array.from({ length: hostCount }, (_, i) => `web${i + 1}`);
  const steps = stepKinds.map((kind) => ({ kind, label: kind }));
  const events: RunEvent[] = [
    { type: 'run-start', runId: 'r', hosts, steps, batches: [hosts] },
    { type: 'batch-start', batch: 0, hosts },
  ];
  for (const [i, host] of hosts.entries()) {
    if (i % 6 === 5) {
      // one host in six unreachable: the summary frame then lists hosts, with long error titles
      const error = `connect timed out after 10000 ms (127.0.0.1:${27000 + i}, handshake never completed)`;
      events.push(
        { type: 'host-start', host, batch: 0 },
        {
          type: 'host-end',
          result: { host, outcome: 'unreachable', batch: 0, steps: [], warnings: [], error, rollbackMismatches: [] },
        },
      );
      continue;
    }
    events.push(
      { type: 'host-start', host, batch: 0 },
      { type: 'host-connected', host },
      { type: 'host-planned', host, plans: [] },
    );
    steps.forEach((s, index) => {
      const result: StepResult = {
        step: s.kind,
        label: s.label,
        outcome: 'changed',
        lines: ['value 1 → 2'],
        warnings: [],
        before: {},
        after: {},
        error: null,
      };
      events.push({ type: 'step-start', host, index, label: s.label }, { type: 'step-end', host, index, result });
    });
    events.push({
      type: 'host-end',
      result: { host, outcome: 'changed', batch: 0, steps: [], warnings: [], error: null, rollbackMismatches: [] },
    });
  }
  return events;
}

async function measure(format: 'tree' | 'plain', events: RunEvent[]): Promise<{ cpuMs: number; bytes: number }> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  const stream = Object.assign(sink, { isTTY: true, columns: 120, rows: 40 });
  const reporter = createRunReporter({ format, stream, color: true });
  const before = process.cpuUsage();
  const start = Date.now();
  for (const [i, event] of events.entries()) {
    const due = start + (i * durationMs) / events.length;
    while (Date.now() < due) await new Promise((resolve) => setTimeout(resolve, 1));
    reporter.onEvent(event);
  }
  await reporter.finish();
  const used = process.cpuUsage(before);
  return { cpuMs: (used.user + used.system) / 1000, bytes };
}

export async function benchRender(hostCount: number): Promise<void> {
  const events = syntheticRun(hostCount);
  for (const format of ['plain', 'tree', 'plain', 'tree'] as const) {
    const { cpuMs, bytes } = await measure(format, events);
    console.log(
      `${String(hostCount).padStart(4)} hosts  ${format.padEnd(5)} ${events.length} events over ${durationMs} ms: cpu ${cpuMs.toFixed(0).padStart(5)} ms, ${bytes} bytes written`,
    );
  }
}
