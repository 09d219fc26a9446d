/**
 * Reads a YAML file into a document that remembers where every node came from. Anchors, aliases and
 * YAML 1.1 `<<` merge keys are accepted as Ansible (PyYAML) accepts them; alias bombs and aliases that
 * contain themselves are refused here, once, so every later walk of the document is bounded.
 */
import { readFileSync } from 'node:fs';
import {
  isCollection,
  isNode,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type YAMLError,
} from 'yaml';
import { InputError, type SourcePosition } from '../errors.js';
import { decodeUtf8 } from './utf8.js';
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

/**
 * Deepest nesting of collections accepted. Inventories and playbooks need fewer than 10 levels; the limit keeps
 * every recursive walk (yaml's own, ours) far from the JavaScript stack limit, so `[[[[…` is bad input, not a crash.
 */
export const MAX_NESTING_DEPTH = 64;

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
  checkDepth(source);
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? cause})`;
    throw new InputError(`${what} ${problem}; expected ${expected}`, { file, line: 1, col: 1 }, { cause });
  }
  const decoded = decodeUtf8(bytes);
  if ('text' in decoded) return decoded.text;
  throw notUtf8(file, what, bytes, decoded.badOffset);
}

/** The position of a bad byte: its line, and its column counted in characters of the valid text before it. */
function notUtf8(file: string, what: string, bytes: Buffer, offset: number): InputError {
  const before = bytes.subarray(0, offset).toString('utf8');
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const col = before.length - lineStart + 1;
  const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
  return new InputError(`${what} is not valid UTF-8: byte 0x${byte} at byte offset ${offset}; expected UTF-8 text`, {
    file,
    line,
    col,
  });
}

/** Iterative (an explicit stack), so the check itself cannot overflow on the input it exists to refuse. */
function checkDepth(source: YamlSource): void {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: source.doc.contents, depth: 1 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { node, depth } = item;
    if (!isCollection(node)) continue;
    if (depth > MAX_NESTING_DEPTH) {
      const problem = `nesting deeper than ${MAX_NESTING_DEPTH} levels`;
      throw new InputError(
        `${problem}; expected at most ${MAX_NESTING_DEPTH} nested lists or mappings`,
        position(source, offsetOf(node)),
      );
    }
    for (const entry of node.items) {
      if (isPair(entry)) pending.push({ node: entry.key, depth: depth + 1 }, { node: entry.value, depth: depth + 1 });
      else pending.push({ node: entry, depth: depth + 1 });
    }
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
          throw new InputError(
            'invalid YAML: Map keys must be unique; expected well-formed YAML',
            position(source, offsetOf(pair.key)),
          );
        }
        seen.add(key);
      }
    },
    Alias(_, alias) {
      const target = resolveNode(source, alias);
      const [start = 0, end = 0] = isNode(target) ? (target.range ?? []) : [];
      const at = alias.range?.[0] ?? -1;
      if (at >= start && at < end) {
        throw new InputError(
          `alias *${alias.source} is inside the node it refers to; expected an alias to a complete earlier node`,
          position(source, at),
        );
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
    return new InputError(`${problem}; expected anchors reused a reasonable number of times`, position(source, at), {
      cause,
    });
  }
  const unresolved = /Unresolved alias[^:]*: (.+)$/.exec(message);
  if (unresolved) {
    const offset = findAliasOffset(source, unresolved[1] ?? '') ?? at;
    return new InputError(
      `alias *${unresolved[1]} has no anchor before it; expected &${unresolved[1]} defined earlier in the file`,
      position(source, offset),
      { cause },
    );
  }
  if (/Merge sources must be maps/.test(message))
    return findBadMerge(source) ?? new InputError(message, position(source, at), { cause });
  return new InputError(`invalid YAML: ${message}; expected well-formed YAML`, position(source, at), { cause });
}

function findAliasOffset(source: YamlSource, name: string): number | undefined {
  let offset: number | undefined;
  visit(source.doc, {
    Alias(_, alias) {
      if (offset === undefined && alias.source === name && resolveNode(source, alias) === null)
        offset = alias.range?.[0];
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
  if (/Maximum call stack size exceeded/.test(reason)) {
    // the parser's own recursion ran out on deeply nested flow collections before checkDepth could look
    return new InputError(
      `nesting too deep to read; expected at most ${MAX_NESTING_DEPTH} nested lists or mappings`,
      position,
      { cause: error },
    );
  }
  return new InputError(`invalid YAML: ${reason}; expected well-formed YAML`, position, { cause: error });
}
