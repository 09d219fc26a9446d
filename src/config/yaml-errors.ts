/** The yaml library's errors as InputErrors: FILE:LINE:COL, what is wrong, what was expected, no code excerpt. */
import { isNode, visit, type YAMLError } from 'yaml';
import { InputError, type SourcePosition } from '../errors.js';
import { positionOfOffset } from './node-position.js';
import { MAX_ALIAS_COUNT, MAX_NESTING_DEPTH } from './yaml-checks.js';
import { findBadMerge, resolveNode } from './yaml-map.js';
import type { YamlSource } from './yaml-source.js';
import { tooDeepOffset } from './yaml-depth.js';
import { unclosedOpenOffset } from './yaml-unclosed.js';

/** 1-based line and column (UTF-16 units, as yaml's LineCounter counts) of `offset` in `text`. */
function offsetPosition(file: string, text: string, offset: number): SourcePosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { file, line: before.split('\n').length, col: offset - lineStart + 1 };
}

/**
 * A parse error (yaml's doc.errors) of `file` whose content is `text`; a composer stack overflow is reported as
 * nesting too deep, at the first collection past MAX_NESTING_DEPTH (yaml-depth.ts), not where the stack ran out.
 */
export function syntaxError(file: string, text: string, error: YAMLError): InputError {
  const start = error.linePos?.[0];
  const position: SourcePosition = { file, line: start?.line ?? 1, col: start?.col ?? 1 };
  // prettyErrors appends " at line L, column C:" and a code excerpt; the position already says that.
  const reason = error.message.split(/ at line \d+, column \d+/)[0]?.trim() ?? error.message;
  if (/Maximum call stack size exceeded/.test(reason)) {
    // the parser's own recursion ran out on deeply nested flow collections before checkDepth could look
    const offset = tooDeepOffset(text, MAX_NESTING_DEPTH);
    return new InputError(
      `nesting too deep to read; expected at most ${MAX_NESTING_DEPTH} nested lists or mappings`,
      offset === null ? position : offsetPosition(file, text, offset),
      { cause: error },
    );
  }
  // an unclosed quote or [ { is reported where yaml gave up (often the end of the file): point at its opening
  const opened = unclosedOpenOffset(text, error);
  const at = opened === null ? position : offsetPosition(file, text, opened);
  return new InputError(`invalid YAML: ${reason}; expected well-formed YAML`, at, { cause: error });
}

/** What toJS threw while turning `node` into data: alias bomb, unresolved alias, bad merge, anything else. */
export function aliasError(source: YamlSource, node: unknown, cause: unknown): InputError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const at = isNode(node) ? (node.range?.[0] ?? 0) : 0;
  if (/Excessive alias count/.test(message)) {
    const problem = `aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT}: an "alias bomb")`;
    return new InputError(
      `${problem}; expected anchors reused a reasonable number of times`,
      positionOfOffset(source, at),
      { cause },
    );
  }
  const unresolved = /Unresolved alias[^:]*: (.+)$/.exec(message);
  if (unresolved) {
    const offset = findAliasOffset(source, unresolved[1] ?? '') ?? at;
    return new InputError(
      `alias *${unresolved[1]} has no anchor before it; expected &${unresolved[1]} defined earlier in the file`,
      positionOfOffset(source, offset),
      { cause },
    );
  }
  if (/Merge sources must be maps/.test(message))
    return findBadMerge(source) ?? new InputError(message, positionOfOffset(source, at), { cause });
  return new InputError(`invalid YAML: ${message}; expected well-formed YAML`, positionOfOffset(source, at), {
    cause,
  });
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
