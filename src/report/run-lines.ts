/** Pure wording of run events as `host: text` lines, shared by the plain reporter and the tree. */
import type { HostFacts } from '../facts/types.js';
import type { HostResult, RunEvent, StepResult } from '../runner/events.js';
import type { StepOutcome } from '../runner/outcome.js';
import { outcomeWord } from './summary-line.js';

export type LineTone = 'normal' | 'good' | 'warn' | 'bad';

export interface RunLine {
  /** A host name, or `fleet` for lines about batches, gates and the run as a whole. */
  prefix: string;
  text: string;
  tone: LineTone;
}

export interface LineContext {
  /** From run-start; empty until it arrives. */
  batches: string[][];
  verbose: boolean;
  /** --check: a host with pending changes "would change" (summary-line.ts outcomeWord). */
  checkMode?: boolean;
}

export const fleetPrefix = 'fleet';

const stepWords: Record<StepOutcome, string> = {
  changed: 'ok',
  unchanged: 'unchanged',
  planned: 'planned',
  failed: 'FAILED',
  'not-run': 'not run',
  'rolled-back': 'rolled back',
};

/** `raise_max: nf_conntrack_max 65536 → 262144` (what the step does, without its outcome). */
export function describeStep(step: Pick<StepResult, 'label' | 'lines'>): string {
  return step.lines.length > 0 ? `${step.label}: ${step.lines.join('; ')}` : step.label;
}

/** `raise_max: nf_conntrack_max 65536 → 262144 ok`, `persist: FAILED: write refused`. */
export function describeStepResult(step: StepResult): string {
  const word = stepWords[step.outcome];
  const tail = step.error && step.outcome === 'failed' ? `${word}: ${step.error}` : word;
  return `${describeStep(step)} ${tail}`;
}

function stepTone(outcome: StepOutcome): LineTone {
  if (outcome === 'failed') return 'bad';
  if (outcome === 'rolled-back') return 'warn';
  return outcome === 'changed' ? 'good' : 'normal';
}

function hostTone(result: Pick<HostResult, 'outcome'>): LineTone {
  switch (result.outcome) {
    case 'changed':
      return 'good';
    case 'unchanged':
      return 'normal';
    case 'skipped':
    case 'rolled-back':
      return 'warn';
    default:
      return 'bad';
  }
}

/** `changed`, `unreachable: connect ECONNREFUSED`, `rollback-failed: … Fix by hand: …`; `would change` with --check. */
export function describeHostEnd(result: HostResult, checkMode = false): string {
  const word = outcomeWord(result.outcome, { checkMode });
  return result.error ? `${word}: ${result.error}` : word;
}

export function describeRollbackEnd(ok: boolean, mismatches: string[]): string {
  if (ok && mismatches.length === 0) return 'rolled back, verified exact';
  return mismatches.length > 0 ? `ROLLBACK FAILED: ${mismatches.join('; ')}` : 'ROLLBACK FAILED';
}

function describeFacts(facts: HostFacts): string {
  const show = (n: number | null): string => (n === null ? '?' : String(n));
  return `kernel ${facts.kernel}, conntrack ${facts.conntrack}, count ${show(facts.count)}/${show(facts.max)}, hashsize ${show(facts.hashsize)}`;
}

export function batchName(batch: number, context: LineContext): string {
  const total = context.batches.length;
  return total > 0 ? `batch ${batch + 1}/${total}` : `batch ${batch + 1}`;
}

/** Seconds when whole, else milliseconds: `30s`, `1500ms`. */
export function formatSoak(soakMs: number): string {
  return soakMs % 1000 === 0 ? `${soakMs / 1000}s` : `${soakMs}ms`;
}

const line = (prefix: string, text: string, tone: LineTone = 'normal'): RunLine => ({ prefix, text, tone });

export function describeEvent(event: RunEvent, context: LineContext): RunLine[] {
  const verboseOnly = (lines: RunLine[]): RunLine[] => (context.verbose ? lines : []);
  switch (event.type) {
    case 'run-start':
    case 'run-end':
    case 'host-log': // -v lines go to stderr (verbose.ts)
      return [];
    case 'batch-start':
      return context.batches.length > 1
        ? [line(fleetPrefix, `${batchName(event.batch, context)}: ${event.hosts.join(', ')}`)]
        : [];
    case 'host-start':
      return verboseOnly([line(event.host, `connecting (${batchName(event.batch, context)})`)]);
    case 'host-connected':
      return verboseOnly([line(event.host, 'connected')]);
    case 'host-facts':
      return verboseOnly([line(event.host, `facts: ${describeFacts(event.facts)}`)]);
    case 'host-planned':
      return verboseOnly([line(event.host, `planned: ${event.plans.map((p) => p.label).join(', ') || 'no steps'}`)]);
    case 'step-start':
      return verboseOnly([line(event.host, `${event.label}: applying`)]);
    case 'step-end':
      return [line(event.host, describeStepResult(event.result), stepTone(event.result.outcome))];
    case 'rollback-start':
      return [line(event.host, `rolling back: ${event.reason}`, 'warn')];
    case 'rollback-end':
      return [
        line(
          event.host,
          describeRollbackEnd(event.ok, event.mismatches),
          event.ok && event.mismatches.length === 0 ? 'warn' : 'bad',
        ),
      ];
    case 'host-end':
      return describeHostEndLines(event.result, context.checkMode === true);
    case 'gate-start':
      return [line(fleetPrefix, `gate after ${batchName(event.batch, context)}: soaking ${formatSoak(event.soakMs)}`)];
    case 'gate-end':
      return describeGateEnd(event, context);
    case 'batch-end':
      return event.stopped
        ? [
            line(
              fleetPrefix,
              `rollout stopped after ${batchName(event.batch, context)}: ${batchStopText(event)}`,
              'bad',
            ),
          ]
        : [];
    case 'message':
      return [describeMessage(event)];
  }
}

/** Failed hosts are counted among those the change was tried on: unreachable and locked ones were never changed. */
function batchStopText(event: Extract<RunEvent, { type: 'batch-end' }>): string {
  const unreachable = event.unreachable ?? 0;
  if (event.stoppedBy === 'unreachable') return `${unreachable} of ${event.total} hosts unreachable or locked`;
  return `${event.failed} of ${event.total - unreachable} hosts failed${unreachable > 0 ? ` (${unreachable} unreachable or locked not counted)` : ''}`;
}

function describeHostEndLines(result: HostResult, checkMode: boolean): RunLine[] {
  const warnings = result.warnings.map((w) => line(result.host, `warning: ${w}`, 'warn'));
  return [line(result.host, describeHostEnd(result, checkMode), hostTone(result)), ...warnings];
}

function describeGateEnd(event: Extract<RunEvent, { type: 'gate-end' }>, context: LineContext): RunLine[] {
  const name = batchName(event.batch, context);
  if (event.failedHosts.length === 0) return [line(fleetPrefix, `gate after ${name} passed`, 'good')];
  const hosts = event.failedHosts.map((f) => line(f.host, `gate failed: ${f.reason}`, 'bad'));
  const count = event.failedHosts.length;
  return [...hosts, line(fleetPrefix, `gate after ${name} failed: ${count} ${count === 1 ? 'host' : 'hosts'}`, 'bad')];
}

function describeMessage(event: Extract<RunEvent, { type: 'message' }>): RunLine {
  const tone: LineTone = event.level === 'error' ? 'bad' : event.level === 'warn' ? 'warn' : 'normal';
  const text = event.level === 'info' ? event.text : `${event.level}: ${event.text}`;
  return line(event.host ?? fleetPrefix, text, tone);
}
