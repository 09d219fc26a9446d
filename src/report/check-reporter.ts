/** `check` shown as answers arrive: a listr2 task per host on a terminal, lines as they come elsewhere, JSON at the end. */
import type { CheckResult } from '../facts/check-result.js';
import { errorMessage } from '../errors.js';
import {
  type CheckLineOptions,
  defaultUsageWarnPercent,
  formatCheckBlock,
  formatCheckSummary,
  hostColumnWidth,
  renderCheck,
} from './check-render.js';
import type { ReportFormat } from './format.js';
import { createPaint } from './paint.js';
import { createDeferred, type Deferred } from './tree-slots.js';
import type { TreeTask } from './tree-tasks.js';
import { escapeOutput } from '../config/escape.js';

export interface CheckReporterOptions {
  format: ReportFormat;
  stream: NodeJS.WritableStream;
  color: boolean;
  /** The hosts being asked, in inventory order (the tree needs them up front). */
  hosts: string[];
  usageWarnPercent?: number;
  /** --quiet: text output is only the hosts with a problem (no answer, or an alarm) and the summary line. */
  quiet?: boolean;
}

export interface CheckReporter {
  onResult(result: CheckResult): void;
  finish(): Promise<void>;
}

export function createCheckReporter(options: CheckReporterOptions): CheckReporter {
  if (options.format === 'json') return createJsonCheckReporter(options);
  if (options.quiet === true) return createQuietCheckReporter(options);
  const isTTY = (options.stream as { isTTY?: boolean }).isTTY === true;
  return options.format === 'tree' && isTTY ? createTreeCheckReporter(options) : createPlainCheckReporter(options);
}

export const noAnswerError = 'no answer: the check ended before this host replied';

/** A host that never answered still gets its line and its JSON entry, as unreachable. */
function missingResults(hosts: string[], results: Map<string, CheckResult>): CheckResult[] {
  return hosts
    .filter((h) => !results.has(h))
    .map((host) => ({ host, reachable: false, error: noAnswerError, facts: null }));
}

/** Inventory order (the silent ones included), then anything that answered without being announced. */
function orderResults(hosts: string[], results: Map<string, CheckResult>): CheckResult[] {
  const all = new Map([...results, ...missingResults(hosts, results).map((r) => [r.host, r] as const)]);
  const known = hosts.flatMap((h) => all.get(h) ?? []);
  return [...known, ...[...results.values()].filter((r) => !hosts.includes(r.host))];
}

function lineOptionsFor(options: CheckReporterOptions, extraHosts: string[] = []): CheckLineOptions {
  return {
    hostWidth: hostColumnWidth([...options.hosts, ...extraHosts]),
    paint: createPaint(options.color),
    usageWarnPercent: options.usageWarnPercent ?? defaultUsageWarnPercent,
  };
}

function createJsonCheckReporter(options: CheckReporterOptions): CheckReporter {
  const results = new Map<string, CheckResult>();
  return {
    onResult: (result) => void results.set(result.host, result),
    async finish() {
      options.stream.write(renderCheck(orderResults(options.hosts, results), { format: 'json', color: false }));
    },
  };
}

function createPlainCheckReporter(options: CheckReporterOptions): CheckReporter {
  const results = new Map<string, CheckResult>();
  const lineOptions = lineOptionsFor(options);
  return {
    onResult(result) {
      results.set(result.host, result);
      options.stream.write(`${escapeOutput(formatCheckBlock(result, lineOptions).join('\n'))}\n`);
    },
    async finish() {
      const missing = missingResults(options.hosts, results).flatMap((r) => formatCheckBlock(r, lineOptions));
      const summary = formatCheckSummary([...results.values(), ...missingResults(options.hosts, results)]);
      options.stream.write(`${escapeOutput([...missing, summary].join('\n'))}\n`);
    },
  };
}

/** What makes a host worth a line under --quiet: what also makes `check` exit 1. */
function hasProblem(result: CheckResult): boolean {
  return !result.reachable || result.facts === null || (result.alarms ?? []).length > 0;
}

function createQuietCheckReporter(options: CheckReporterOptions): CheckReporter {
  const results = new Map<string, CheckResult>();
  return {
    onResult: (result) => void results.set(result.host, result),
    async finish() {
      const all = orderResults(options.hosts, results);
      const lineOptions = lineOptionsFor(options, [...results.keys()]);
      const lines = all.filter(hasProblem).flatMap((r) => formatCheckBlock(r, lineOptions));
      options.stream.write(`${escapeOutput([...lines, formatCheckSummary(all)].join('\n'))}\n`);
    },
  };
}

function createTreeCheckReporter(options: CheckReporterOptions): CheckReporter {
  const results = new Map<string, CheckResult>();
  const lineOptions = lineOptionsFor(options);
  const pending = new Map(options.hosts.map((h) => [h, createDeferred<CheckResult | null>()]));
  const tasks = options.hosts.map((host) =>
    buildCheckTask(host, pending.get(host) as Deferred<CheckResult | null>, lineOptions),
  );
  const rendering = renderCheckTree(tasks, options);
  const late: CheckResult[] = [];
  return {
    onResult(result) {
      results.set(result.host, result);
      const slot = pending.get(result.host);
      if (slot && !slot.settled) slot.resolve(result);
      else late.push(result);
    },
    async finish() {
      pending.forEach((slot) => slot.resolve(null));
      const renderError = await rendering;
      const lines = late.flatMap((r) => formatCheckBlock(r, lineOptionsFor(options, [r.host])));
      if (renderError !== null) lines.push(`(the live tree failed: ${renderError})`);
      lines.push(formatCheckSummary(orderResults(options.hosts, results)));
      options.stream.write(`\n${escapeOutput(lines.join('\n'))}\n`);
    },
  };
}

function buildCheckTask(host: string, answer: Deferred<CheckResult | null>, lineOptions: CheckLineOptions): TreeTask {
  return {
    title: `${host.padEnd(lineOptions.hostWidth)}  ${lineOptions.paint.dim('gathering facts…')}`,
    rendererOptions: { persistentOutput: true, outputBar: Infinity },
    task: async (_ctx, task) => {
      const result = await answer.promise;
      if (result === null) throw new Error(`${host.padEnd(lineOptions.hostWidth)}! ${noAnswerError}`);
      const [line = host, ...problems] = formatCheckBlock(result, lineOptions);
      task.title = line;
      if (problems.length > 0) task.output = problems.map((p) => p.trim()).join('\n');
      if (!result.reachable || result.facts === null) throw new Error(line);
      return undefined;
    },
  };
}

async function renderCheckTree(tasks: TreeTask[], options: CheckReporterOptions): Promise<string | null> {
  try {
    // loaded here, not at the top: only a check on a terminal draws a listr2 tree, and listr2 with its dependencies is
    // ~30 ms of every start-up that imports the reporters (docs/benchmarks.md, Controller)
    const [{ Listr }, { createStreamLogger, defaultRendererColors, StreamDefaultRenderer }] = await Promise.all([
      import('listr2'),
      import('./listr-output.js'),
    ]);
    await new Listr(tasks, {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false, // the CLI owns Ctrl-C
      renderer: StreamDefaultRenderer,
      rendererOptions: {
        logger: createStreamLogger(options.stream),
        collapseSubtasks: false,
        color: defaultRendererColors(createPaint(options.color)),
      },
    }).run();
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}
