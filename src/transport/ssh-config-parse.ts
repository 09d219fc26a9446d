/**
 * Parses ssh_config(5) text into blocks (ssh-config.ts has the shapes and the lookup): `Host` and `Match` lines
 * start blocks, `Include` is replaced by the files it names, guarded by the block that holds it (readconf.c
 * restores the enclosing block's state after an Include). Pure, apart from the injected Include reader.
 */
import { InputError } from '../errors.js';
import { parseMatchCriteria } from './ssh-config-match.js';
import type { SshConfig, SshConfigBlock, SshConfigGuard } from './ssh-config.js';

/** The files an `Include` word names (glob expanded, sorted); throws InputError for a file that cannot be read. */
export type SshConfigIncludeReader = (word: string) => { file: string; text: string }[];

/** readconf.c READCONF_MAX_DEPTH: Includes nested deeper are an error in ssh. */
const maxIncludeDepth = 16;

function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|(\S+)/g)) words.push(match[1] ?? match[2] ?? '');
  return words;
}

interface ParseState {
  blocks: SshConfigBlock[];
  notes: string[];
  include?: SshConfigIncludeReader;
}

export function parseSshConfig(text: string, file = 'ssh_config', include?: SshConfigIncludeReader): SshConfig {
  const state: ParseState = { blocks: [{ patterns: ['*'], options: [], line: 0 }], notes: [], include };
  parseInto(state, text, file, [], 0);
  return { blocks: state.blocks, notes: state.notes };
}

/** Parses `text` into state.blocks, every block also guarded by `outer` (the Include line's enclosing conditions). */
function parseInto(state: ParseState, text: string, file: string, outer: SshConfigGuard[], depth: number): void {
  let current = state.blocks.at(-1) as SshConfigBlock;
  if (depth > 0) current = pushBlock(state, { patterns: ['*'], options: [], line: 0, guards: outer, label: file });
  let skipping = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!match) return;
    const keyword = (match[1] ?? '').toLowerCase();
    // ssh takes a ProxyCommand verbatim to the end of the line: its quotes are the shell's
    const words = keyword === 'proxycommand' ? [(match[2] ?? '').trim()] : splitWords(match[2] ?? '');
    const where = `${file}:${index + 1}`;
    if (keyword === 'host') {
      skipping = false;
      const guards = outer.length > 0 ? outer : undefined;
      const label = depth > 0 ? `"Host ${words.join(' ')}" (${where})` : undefined;
      current = pushBlock(state, { patterns: words, options: [], line: index + 1, guards, label });
    } else if (keyword === 'match') {
      const criteria = parseMatchCriteria(words);
      skipping = 'unsupported' in criteria;
      if ('unsupported' in criteria) {
        state.notes.push(`${where}: ${criteria.unsupported} is not evaluated; the settings of its block are ignored`);
        return;
      }
      const guards: SshConfigGuard[] = [...outer, { kind: 'match', criteria }];
      const label = `"Match ${words.join(' ')}" (${where})`;
      current = pushBlock(state, { patterns: ['*'], options: [], line: index + 1, guards, label });
    } else if (skipping) {
      return;
    } else if (keyword === 'include') {
      current = includeFiles(state, current, { words, where, depth });
    } else {
      current.options.push([keyword, words]);
    }
  });
}

/** A block's own conditions, as the guards of what an Include inside it brings in. */
function guardsOf(block: SshConfigBlock): SshConfigGuard[] {
  const own = block.guards ?? [];
  const host: SshConfigGuard[] =
    block.patterns.length === 1 && block.patterns[0] === '*' ? [] : [{ kind: 'host', patterns: block.patterns }];
  return [...own, ...host];
}

/** Reads each file an Include names in place; returns the block the lines after the Include go on in. */
function includeFiles(
  state: ParseState,
  enclosing: SshConfigBlock,
  line: { words: string[]; where: string; depth: number },
): SshConfigBlock {
  if (!state.include) {
    state.notes.push(`${line.where}: Include is not followed`);
    return enclosing;
  }
  if (line.depth + 1 > maxIncludeDepth)
    throw new InputError(`${line.where}: Include nested more than ${maxIncludeDepth} deep; expected no Include loop`);
  for (const word of line.words) {
    for (const found of state.include(word)) {
      parseInto(state, found.text, found.file, guardsOf(enclosing), line.depth + 1);
    }
  }
  // the lines after the Include belong to the block that held it again (readconf.c restores activep)
  return pushBlock(state, { ...enclosing, options: [] });
}

function pushBlock(state: ParseState, block: SshConfigBlock): SshConfigBlock {
  state.blocks.push(block);
  return block;
}
