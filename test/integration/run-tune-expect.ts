/** What a tune playbook (playbooks/tune.yaml semantics) must leave on a host, derived from the playbook itself. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Lab } from '../lab/lab.js';
import { contentFields, diffEtc, readHostFile, readKnobs, snapshotEtc, type EtcSnapshot } from './run-host-state.js';
import { stepReport, type HostReport } from './run-lab.js';

export const modprobeFile = '/etc/modprobe.d/conntrack-fleet.conf';
export const modulesLoadFile = '/etc/modules-load.d/conntrack-fleet.conf';

export interface TuneSpec {
  max: number;
  /** hashsize = max / divisor */
  divisor: number;
  timeouts: Record<string, number>;
  sysctlFile: string;
}

type StepItem = Record<string, Record<string, unknown> | string>;

export function stepsOf(playbookFile: string): StepItem[] {
  return (parse(readFileSync(playbookFile, 'utf8')) as { steps: StepItem[] }).steps;
}

function optionsOf(steps: StepItem[], kind: string): Record<string, unknown> {
  const item = steps.find((s) => kind in s);
  assert.ok(item, `the playbook has no ${kind} step`);
  return item[kind] as Record<string, unknown>;
}

export function readTuneSpec(playbookFile: string): TuneSpec {
  const steps = stepsOf(playbookFile);
  const divisor = /^max\/(\d+)$/.exec(String(optionsOf(steps, 'set_hashsize')['value']));
  assert.ok(divisor, 'set_hashsize.value must be max/N for these tests');
  return {
    max: Number(optionsOf(steps, 'raise_max')['value']),
    divisor: Number(divisor[1]),
    timeouts: optionsOf(steps, 'set_timeouts') as Record<string, number>,
    sysctlFile: String(optionsOf(steps, 'persist')['file']),
  };
}

export const hashsizeOf = (spec: TuneSpec): number => Math.floor(spec.max / spec.divisor);

/** A host's state before the run, read directly. */
export interface HostBefore {
  knobs: Record<string, string>;
  etc: EtcSnapshot;
  sysctlText: string;
}

export async function readBefore(lab: Lab, host: string, spec: TuneSpec): Promise<HostBefore> {
  return {
    knobs: await readKnobs(lab, host),
    etc: await snapshotEtc(lab, host),
    sysctlText: await readHostFile(lab, host, spec.sysctlFile),
  };
}

function sysctlKeyOf(line: string): string | null {
  const match = /^\s*([a-z0-9_./-]+)\s*=/.exec(line);
  return match ? (match[1] ?? null) : null;
}

/** Knobs, the three files and nothing else in /etc: as the playbook says. */
export async function expectTuned(lab: Lab, host: string, before: HostBefore, spec: TuneSpec): Promise<void> {
  const knobs = await readKnobs(lab, host);
  const hashsize = String(hashsizeOf(spec));
  const wanted: Record<string, string> = { ...before.knobs, max: String(spec.max), buckets: hashsize, hashsize };
  for (const [name, seconds] of Object.entries(spec.timeouts)) wanted[name] = String(seconds);
  assert.deepEqual(knobs, wanted, `${host}: knobs after the run (other timeouts untouched)`);

  const text = await readHostFile(lab, host, spec.sysctlFile);
  const block = text.split('# BEGIN conntrack-fleet')[1]?.split('# END conntrack-fleet')[0];
  assert.ok(block !== undefined, `${host}: no managed block in ${spec.sysctlFile}:\n${text}`);
  const entries = block.split('\n').slice(1).filter(Boolean);
  const expectedEntries = [
    `net.netfilter.nf_conntrack_max = ${spec.max}`,
    ...Object.keys(spec.timeouts)
      .sort()
      .map((name) => `net.netfilter.nf_conntrack_${name} = ${spec.timeouts[name]}`),
  ];
  assert.deepEqual(entries, expectedEntries, `${host}: the managed block`);
  // Every old line survives; the conntrack max lines are now commented out, in place.
  const stale = new Set(['net.netfilter.nf_conntrack_max', 'net.ipv4.netfilter.ip_conntrack_max']);
  const outside = text.replace(/# BEGIN conntrack-fleet[\s\S]*# END conntrack-fleet\n/, '');
  const expectedOutside = before.sysctlText
    .split('\n')
    .map((line) => (stale.has(sysctlKeyOf(line) ?? '') ? `# conntrack-fleet disabled: ${line}` : line));
  assert.deepEqual(
    outside.trimEnd().split('\n'),
    expectedOutside.join('\n').trimEnd().split('\n'),
    `${host}: ${spec.sysctlFile} outside the block`,
  );

  assert.match(
    await readHostFile(lab, host, modprobeFile),
    new RegExp(`^options nf_conntrack hashsize=${hashsize}$`, 'm'),
  );
  assert.match(await readHostFile(lab, host, modulesLoadFile), /^nf_conntrack$/m);
  const changed = diffEtc(before.etc, await snapshotEtc(lab, host), contentFields).map((line) => line.split(':')[0]);
  assert.deepEqual(
    changed.sort(),
    [modprobeFile, modulesLoadFile, spec.sysctlFile].sort(),
    `${host}: files changed in /etc`,
  );
}

/** The JSON report of a host the run tuned: outcome changed, each step's before/after as read before the run. */
export function expectTuneReport(report: HostReport, before: HostBefore, spec: TuneSpec): void {
  assert.equal(report.outcome, 'changed', `${report.host}: ${report.error ?? ''}`);
  assert.equal(report.error, null);
  const raise = stepReport(report, 'raise_max');
  assert.deepEqual([raise.before, raise.after], [{ max: Number(before.knobs['max']) }, { max: spec.max }]);
  assert.equal(raise.outcome, before.knobs['max'] === String(spec.max) ? 'unchanged' : 'changed');
  const hash = stepReport(report, 'set_hashsize');
  assert.deepEqual(
    [hash.before, hash.after],
    [{ buckets: Number(before.knobs['buckets']) }, { buckets: hashsizeOf(spec) }],
  );
  assert.equal(hash.outcome, before.knobs['buckets'] === String(hashsizeOf(spec)) ? 'unchanged' : 'changed');
  const timeouts = stepReport(report, 'set_timeouts');
  const names = Object.keys(spec.timeouts);
  assert.deepEqual(timeouts.before, Object.fromEntries(names.map((n) => [n, Number(before.knobs[n])])));
  assert.deepEqual(timeouts.after, spec.timeouts);
  assert.equal(stepReport(report, 'persist').outcome, 'changed');
  for (const step of report.steps) assert.equal(step.error, null, `${report.host} ${step.step}`);
}
