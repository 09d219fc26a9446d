/**
 * Reads a YAML file into a document that remembers where every node came from. Anchors, aliases and
 * YAML 1.1 `<<` merge keys are accepted as Ansible (PyYAML) accepts them; alias bombs and aliases that
 * contain themselves are refused here, once, so every later walk of the document is bounded.
 */
import { readFileSync } from 'node:fs';
import { isNode, isScalar, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import { InputError, type SourcePosition } from '../errors.js';
import { findBadMerge, resolveNode } from './yaml-map.js';

export interface YamlSource {
  /** The path as given by the user; used in every message. */
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/**
 * Most alias expansions one document may cause (the yaml library's count: uses of an anchor times the
 * aliases nested in it). High enough for an inventory whose thousands of hosts share one `<<: *defaults`,
 * low enough that a "billion laughs" document is refused after a few thousand nodes.
 */
export const MAX_ALIAS_COUNT = 10_000;

/** Loads and parses `file`; a missing file or a syntax error is an InputError. */
export function loadYamlSource(file: string, what = 'file'): YamlSource {
  return parseYamlSource(file, readSourceText(file, what));
}

/** Pure: parses `text` as if it were the content of `file`. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  // Duplicate keys are checked in checkNodes: yaml's own uniqueKeys check is quadratic in a mapping's size.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: false, merge: true });
  const error = doc.errors[0];
  if (error) throw syntaxError(file, error);
  const source = { file, doc, lineCounter };
  checkNodes(source);
  documentValue(source);
  return source;
}

/** The whole document as plain data (merge keys applied); alias problems are InputErrors. */
export function documentValue(source: YamlSource): unknown {
  return nodeValue(source, source.doc.contents);
}

/** A node as plain data; see documentValue. */
export function nodeValue(source: YamlSource, node: unknown): unknown {
  // Resolving a top-level alias here avoids yaml's own lookup, which walks the whole document on every call.
  const target = resolveNode(source, node);
  if (!isNode(target)) return target ?? null;
  try {
    return target.toJS(source.doc, { maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    throw aliasError(source, node, cause);
  }
}

/** The text of `file`; a missing or unreadable file is an InputError at FILE:1:1 saying what was `expected`. */
export function readSourceText(file: string, what: string, expected = 'a readable YAML file'): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? cause})`;
    throw new InputError(`${what} ${problem}; expected ${expected}`, { file, line: 1, col: 1 }, { cause });
  }
}

/**
 * Duplicate keys (as yaml's uniqueKeys: equal scalar values), and aliases inside the node they refer to
 * (`&a [1, *a]` makes a cycle that no walk of the document could finish).
 */
function checkNodes(source: YamlSource): void {
  visit(source.doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          throw new InputError('invalid YAML: Map keys must be unique; expected well-formed YAML', position(source, offsetOf(pair.key)));
        }
        seen.add(key);
      }
    },
    Alias(_, alias) {
      const target = resolveNode(source, alias);
      const [start = 0, end = 0] = isNode(target) ? (target.range ?? []) : [];
      const at = alias.range?.[0] ?? -1;
      if (at >= start && at < end) {
        throw new InputError(`alias *${alias.source} is inside the node it refers to; expected an alias to a complete earlier node`, position(source, at));
      }
    },
  });
}

function offsetOf(node: unknown): number {
  return isNode(node) ? (node.range?.[0] ?? 0) : 0;
}

function aliasError(source: YamlSource, node: unknown, cause: unknown): InputError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const at = isNode(node) ? (node.range?.[0] ?? 0) : 0;
  if (/Excessive alias count/.test(message)) {
    const problem = `aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT}: an "alias bomb")`;
    return new InputError(`${problem}; expected anchors reused a reasonable number of times`, position(source, at), { cause });
  }
  const unresolved = /Unresolved alias[^:]*: (.+)$/.exec(message);
  if (unresolved) {
    const offset = findAliasOffset(source, unresolved[1] ?? '') ?? at;
    return new InputError(`alias *${unresolved[1]} has no anchor before it; expected &${unresolved[1]} defined earlier in the file`, position(source, offset), { cause });
  }
  if (/Merge sources must be maps/.test(message)) return findBadMerge(source) ?? new InputError(message, position(source, at), { cause });
  return new InputError(`invalid YAML: ${message}; expected well-formed YAML`, position(source, at), { cause });
}

function findAliasOffset(source: YamlSource, name: string): number | undefined {
  let offset: number | undefined;
  visit(source.doc, {
    Alias(_, alias) {
      if (offset === undefined && alias.source === name && resolveNode(source, alias) === null) offset = alias.range?.[0];
    },
  });
  return offset;
}

function position(source: YamlSource, offset: number): SourcePosition {
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line: Math.max(line, 1), col: Math.max(col, 1) };
}

function syntaxError(file: string, error: YAMLError): InputError {
  const start = error.linePos?.[0];
  const position: SourcePosition = { file, line: start?.line ?? 1, col: start?.col ?? 1 };
  // prettyErrors appends " at line L, column C:" and a code excerpt; the position already says that.
  const reason = error.message.split(/ at line \d+, column \d+/)[0]?.trim() ?? error.message;
  return new InputError(`invalid YAML: ${reason}; expected well-formed YAML`, position, { cause: error });
}

