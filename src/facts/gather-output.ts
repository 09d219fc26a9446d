/**
 * Turns the gather script's output into HostFacts: split once (gather-frame.ts), checked once (what the sections
 * require), then every section's reader over it. Pure; never throws.
 */
import { gatherDoneKind, type GatherFrame, splitGatherOutput } from './gather-frame.js';
import type { GatherRequest } from './section.js';
import { factSections } from './sections/index.js';
import type { HostFacts } from './types.js';

export { notRootProblem } from './sections/identity.js';

/** What the output lacks to be trusted (the done record, values and blocks the sections require); empty when whole. */
export function findMissingParts(frame: GatherFrame): string[] {
  const missing: string[] = [];
  if (!frame.complete) missing.push(`the ${gatherDoneKind} record`);
  for (const section of factSections) {
    const requires = 'requires' in section ? section.requires : undefined;
    for (const value of requires?.values ?? []) if (!(value in frame.values)) missing.push(`value ${value}`);
    for (const block of requires?.blocks ?? [])
      if (!frame.sections.some((s) => s.name === block)) missing.push(`section ${block}`);
  }
  return missing;
}

export interface GatherReading {
  facts: HostFacts;
  /** findMissingParts of the output: non-empty means it was cut short or is not the gather's. */
  missing: string[];
}

/**
 * The output of buildGatherScript(request, token). Problems in section order, each section's own `problem` records
 * before what its reader adds, after a first "gather output incomplete" when parts are missing.
 */
export function readGatherOutput(stdout: string, request: GatherRequest, token: string): GatherReading {
  const frame = splitGatherOutput(stdout, token);
  const missing = findMissingParts(frame);
  const problems: string[] = missing.length > 0 ? [`gather output incomplete: missing ${missing.join(', ')}`] : [];
  problems.push(...(frame.sectionProblems[''] ?? []));
  const parts: Partial<HostFacts>[] = [];
  for (const section of factSections) {
    problems.push(...(frame.sectionProblems[section.name] ?? []));
    parts.push(section.read({ frame, request, problems }));
  }
  return { facts: { ...(Object.assign({}, ...parts) as Omit<HostFacts, 'problems'>), problems }, missing };
}

/** The facts, with "gather output incomplete: …" among the problems when the output is not whole. */
export function parseGatherOutput(stdout: string, request: GatherRequest, token: string): HostFacts {
  return readGatherOutput(stdout, request, token).facts;
}
