/**
 * Splits the gather script's output into values, problems and blocks (the framing only; src/remote/gather.sh has
 * the protocol). Pure. Also parses other scripts that print the same framing (the journal listing, advise).
 */

/** One `@@begin NAME [ARG]` … `@@end` block (named "section" for the callers that predate fact sections). */
export interface GatherSection {
  name: string;
  /** Everything after the name on the `@@begin` line: a tool, a file index, a path. */
  arg: string;
  lines: string[];
  stderrLines: string[];
  /** From `@@rc N`; null for blocks that are not a command run. */
  exitCode: number | null;
}

export interface GatherFrame {
  values: Record<string, string>;
  problems: string[];
  /** The same problems, by the fact section (`@@section NAME`) that printed them; '' before the first section. */
  sectionProblems: Record<string, string[]>;
  /** Names of the fact sections that began, in order. */
  factSections: string[];
  sections: GatherSection[];
  /** The `@@done` marker was seen: the script ran to its end. */
  complete: boolean;
}

/** The marker the gather script prints last; output without it was cut short. */
export const gatherDoneMarker = '@@done';

function splitHead(text: string): [string, string] {
  const space = text.indexOf(' ');
  return space === -1 ? [text, ''] : [text.slice(0, space), text.slice(space + 1)];
}

interface State {
  frame: GatherFrame;
  open: GatherSection | null;
  /** Inside `@@raw TOKEN`: every line is content (or stderr) until `@@raw-end TOKEN`. */
  raw: { end: string; into: 'lines' | 'stderrLines' } | null;
  factSection: string;
}

function readInside(state: State, section: GatherSection, line: string): void {
  if (line === '@@end') {
    state.frame.sections.push(section);
    state.open = null;
  } else if (line.startsWith('|')) section.lines.push(line.slice(1));
  else if (line.startsWith('!')) section.stderrLines.push(line.slice(1));
  else if (/^@@rc \d+$/.test(line)) section.exitCode = Number(line.slice(5));
  else if (/^@@raw(-err)? \S+$/.test(line)) {
    const [marker, token] = splitHead(line);
    state.raw = { end: `@@raw-end ${token}`, into: marker === '@@raw' ? 'lines' : 'stderrLines' };
  }
}

function readMarker(state: State, line: string): void {
  const { frame } = state;
  const [marker, rest] = splitHead(line);
  if (marker === '@@value') {
    const [name, value] = splitHead(rest);
    frame.values[name] = value;
  } else if (marker === '@@problem') {
    frame.problems.push(rest);
    (frame.sectionProblems[state.factSection] ??= []).push(rest);
  } else if (marker === '@@section') {
    state.factSection = rest;
    frame.factSections.push(rest);
  } else if (marker === '@@begin') {
    const [name, arg] = splitHead(rest);
    state.open = { name, arg, lines: [], stderrLines: [], exitCode: null };
  } else if (marker === gatherDoneMarker) frame.complete = true;
}

export function splitGatherOutput(stdout: string): GatherFrame {
  const frame: GatherFrame = {
    values: {},
    problems: [],
    sectionProblems: {},
    factSections: [],
    sections: [],
    complete: false,
  };
  const state: State = { frame, open: null, raw: null, factSection: '' };
  for (const line of stdout.split('\n')) {
    if (state.raw && state.open) {
      if (line === state.raw.end) state.raw = null;
      else state.open[state.raw.into].push(line);
    } else if (state.open) readInside(state, state.open, line);
    else readMarker(state, line);
  }
  return frame;
}
