/**
 * Splits the gather script's output into values, problems and blocks. Pure. The output is records of the script's
 * token (remote/records.ts, printed by src/remote/gather.sh) with raw content between `begin` and `end`; it is read
 * once, by readRecordStream, so the gather speaks the one record format of every remote script.
 */
import { readRecordStream, type RemoteRecord, type StreamItem } from '../remote/records.js';

/** One `begin NAME [ARG]` … `end` block (named "section" for the callers that predate fact sections). */
export interface GatherSection {
  name: string;
  /** Everything after the name on the `begin` record: a tool, a file index, a path. */
  arg: string;
  /** The content's lines (without the newline that ends the last one). */
  lines: string[];
  stderrLines: string[];
  /** From the `rc N` record; null for blocks that are not a command run. */
  exitCode: number | null;
  /** The content byte for byte, last newline (or its absence) included. */
  text: string;
}

export interface GatherFrame {
  values: Record<string, string>;
  problems: string[];
  /** The same problems, by the fact section (`section NAME`) that printed them; '' before the first section. */
  sectionProblems: Record<string, string[]>;
  /** Names of the fact sections that began, in order. */
  factSections: string[];
  sections: GatherSection[];
  /** The `done` record was seen: the script ran to its end. */
  complete: boolean;
}

/** The kind of the record the gather script prints last; output without it was cut short. */
export const gatherDoneKind = 'done';

function splitHead(text: string): [string, string] {
  const space = text.indexOf(' ');
  return space === -1 ? [text, ''] : [text.slice(0, space), text.slice(space + 1)];
}

/** Content as lines: '' has none, and the newline that ends the last line starts no line of its own. */
function linesOf(text: string): string[] {
  return text === '' ? [] : (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

interface OpenBlock {
  name: string;
  arg: string;
  exitCode: number | null;
  stdout: string[];
  stderr: string[];
  into: 'stdout' | 'stderr';
}

interface State {
  frame: GatherFrame;
  open: OpenBlock | null;
  factSection: string;
}

function close(block: OpenBlock): GatherSection {
  const text = block.stdout.join('');
  const { name, arg, exitCode } = block;
  return { name, arg, lines: linesOf(text), stderrLines: linesOf(block.stderr.join('')), exitCode, text };
}

function readRecord(state: State, { kind, text }: RemoteRecord): void {
  const { frame, open } = state;
  if (kind === 'end' && open) {
    frame.sections.push(close(open));
    state.open = null;
  } else if (kind === 'rc' && open && /^\d+$/.test(text)) open.exitCode = Number(text);
  else if (kind === 'stderr' && open) open.into = 'stderr';
  else if (kind === 'begin') {
    const [name, arg] = splitHead(text);
    state.open = { name, arg, exitCode: null, stdout: [], stderr: [], into: 'stdout' };
  } else if (kind === 'value') {
    const [name, value] = splitHead(text);
    frame.values[name] = value;
  } else if (kind === 'problem') {
    frame.problems.push(text);
    (frame.sectionProblems[state.factSection] ??= []).push(text);
  } else if (kind === 'section') {
    state.factSection = text;
    frame.factSections.push(text);
  } else if (kind === gatherDoneKind) frame.complete = true;
}

/**
 * The frame of a gather output printed with record token `token`. Content outside a block, records of other tokens
 * and unknown kinds are ignored; a block without its `end` (output cut short) is dropped. Never throws.
 */
export function splitGatherOutput(stdout: string, token: string): GatherFrame {
  const frame: GatherFrame = {
    values: {},
    problems: [],
    sectionProblems: {},
    factSections: [],
    sections: [],
    complete: false,
  };
  const state: State = { frame, open: null, factSection: '' };
  for (const item of readRecordStream(stdout, token)) readItem(state, item);
  return frame;
}

function readItem(state: State, item: StreamItem): void {
  if ('record' in item) readRecord(state, item.record);
  else if (state.open) state.open[state.open.into].push(item.newline ? `${item.content}\n` : item.content);
}
