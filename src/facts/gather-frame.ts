/** Splits the gather script's output into values, problems and sections (the framing only). Pure. */
import { gatherDoneMarker } from './gather-script.js';

export interface GatherSection {
  name: string;
  /** Everything after the name on the `@@begin` line: a tool, a file index, a path. */
  arg: string;
  lines: string[];
  stderrLines: string[];
  /** From `@@rc N`; null for sections that are not a command run. */
  exitCode: number | null;
}

export interface GatherFrame {
  values: Record<string, string>;
  problems: string[];
  sections: GatherSection[];
  /** The `@@done` marker was seen: the script ran to its end. */
  complete: boolean;
}

function splitHead(text: string): [string, string] {
  const space = text.indexOf(' ');
  return space === -1 ? [text, ''] : [text.slice(0, space), text.slice(space + 1)];
}

function readInside(section: GatherSection, line: string): void {
  if (line.startsWith('|')) section.lines.push(line.slice(1));
  else if (line.startsWith('!')) section.stderrLines.push(line.slice(1));
  else if (/^@@rc \d+$/.test(line)) section.exitCode = Number(line.slice(5));
}

function readMarker(frame: GatherFrame, line: string): GatherSection | null {
  const [marker, rest] = splitHead(line);
  if (marker === '@@value') {
    const [name, value] = splitHead(rest);
    frame.values[name] = value;
  } else if (marker === '@@problem') frame.problems.push(rest);
  else if (marker === '@@begin') {
    const [name, arg] = splitHead(rest);
    return { name, arg, lines: [], stderrLines: [], exitCode: null };
  } else if (marker === gatherDoneMarker) frame.complete = true;
  return null;
}

export function splitGatherOutput(stdout: string): GatherFrame {
  const frame: GatherFrame = { values: {}, problems: [], sections: [], complete: false };
  let open: GatherSection | null = null;
  for (const line of stdout.split('\n')) {
    if (open && line === '@@end') {
      frame.sections.push(open);
      open = null;
    } else if (open) readInside(open, line);
    else open = readMarker(frame, line);
  }
  return frame;
}

/** What the output lacks to be trusted; empty when it is whole. */
export function findMissingParts(frame: GatherFrame): string[] {
  const missing: string[] = [];
  if (!frame.complete) missing.push(`the ${gatherDoneMarker} marker`);
  for (const value of ['kernel', 'uid']) if (!(value in frame.values)) missing.push(`value ${value}`);
  if (!frame.sections.some((s) => s.name === 'knobs')) missing.push('section knobs');
  return missing;
}
