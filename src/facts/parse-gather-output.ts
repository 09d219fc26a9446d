/** Turns the gather script's output into HostFacts. Pure; never throws: what is missing becomes null or a problem. */
import { decideConntrackPresence } from './conntrack-presence.js';
import { findMissingParts, splitGatherOutput, type GatherFrame } from './gather-frame.js';
import { readCpus, readFiles, readModules, readRules, sectionText } from './gather-readers.js';
import type { GatherRequest } from './gather-script.js';
import { parseConntrackStats } from './parse-conntrack-stats.js';
import { readBootConfig } from './parse-boot-config.js';
import { knobAt, knobNumber, parseKnobLines } from './parse-knobs.js';
import { parseMemTotalBytes } from './parse-meminfo.js';
import { parseSlabObjectBytes } from './parse-slabinfo.js';
import { parseProcSysGrep } from './parse-sysctl.js';
import { readPeakSection } from './peak.js';
import { pickConntrackTimeouts } from './parse-timeouts.js';
import { type HostFacts, knobPaths } from './types.js';

export const notRootProblem = 'not root: values can be read, not changed';

function flag(frame: GatherFrame, name: string): boolean {
  return frame.values[name] === '1';
}

function readKnobs(frame: GatherFrame) {
  const knobs = parseKnobLines(frame.sections.find((s) => s.name === 'knobs')?.lines ?? []);
  return {
    max: knobAt(knobs, knobPaths.max),
    maxAlias: knobAt(knobs, knobPaths.maxAlias),
    buckets: knobAt(knobs, knobPaths.buckets),
    hashsize: knobAt(knobs, knobPaths.hashsize),
    count: knobAt(knobs, knobPaths.count),
  };
}

function parseOptional<T>(text: string | null, parse: (text: string) => T | null): T | null {
  return text === null ? null : parse(text);
}

export function parseGatherOutput(stdout: string, request: GatherRequest): HostFacts {
  const frame = splitGatherOutput(stdout);
  const problems: string[] = [];
  const missing = findMissingParts(frame);
  if (missing.length > 0) problems.push(`gather output incomplete: missing ${missing.join(', ')}`);
  const isRoot = frame.values['uid'] === '0';
  if (!isRoot) problems.push(notRootProblem);
  problems.push(...frame.problems);
  const { count, ...knobs } = readKnobs(frame);
  const rules = readRules(frame, problems);
  return {
    kernel: frame.values['kernel'] ?? '',
    isRoot,
    cpus: readCpus(frame, problems),
    memTotalBytes: parseOptional(sectionText(frame, 'meminfo'), parseMemTotalBytes),
    conntrack: decideConntrackPresence({
      listed: flag(frame, 'conntrack_listed'),
      sysModule: flag(frame, 'conntrack_sys_module'),
      initstate: flag(frame, 'conntrack_initstate'),
      builtinList: flag(frame, 'conntrack_builtin_list'),
    }),
    count: knobNumber(count),
    max: knobNumber(knobs.max) ?? knobNumber(knobs.maxAlias),
    buckets: knobNumber(knobs.buckets),
    hashsize: knobNumber(knobs.hashsize),
    knobs,
    timeouts: pickConntrackTimeouts(parseProcSysGrep(sectionText(frame, 'timeouts') ?? '')),
    stats: parseOptional(sectionText(frame, 'stats'), parseConntrackStats),
    entryBytes: parseOptional(sectionText(frame, 'slabinfo'), (text) => parseSlabObjectBytes(text)),
    modules: readModules(frame, problems),
    natRuleEvidence: rules.lines,
    natRulesInUse: rules.nat,
    kubeProxy: flag(frame, 'kube_proxy'),
    files: readFiles(frame, request, problems),
    bootConfig: readBootConfig(frame, problems),
    ...(request.peak && { peak: readPeakSection(frame) }),
    problems,
  };
}
