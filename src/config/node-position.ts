/** Maps nodes and document paths (as in zod issues: ['steps', 2, 'raise_max', 'value']) to FILE:LINE:COL. */
import { isMap, isNode, isPair, isScalar, isSeq, type Pair } from 'yaml';
import { mapEntries, resolveNode } from './yaml-map.js';
import type { SourcePosition } from '../errors.js';
import type { YamlSource } from './yaml-source.js';

export type DocumentPath = readonly PropertyKey[];

export function positionOfOffset(source: YamlSource, offset: number): SourcePosition {
  const { line, col } = source.lineCounter.linePos(offset);
  // line 0 means the offset is before any recorded line start, i.e. on the first line.
  return { file: source.file, line: Math.max(line, 1), col: Math.max(col, 1) };
}

/** Start of the node; the start of the file when the node has no range (e.g. an empty document). */
export function positionOfNode(source: YamlSource, node: unknown): SourcePosition {
  const offset = isNode(node) ? node.range?.[0] : undefined;
  return offset === undefined ? { file: source.file, line: 1, col: 1 } : positionOfOffset(source, offset);
}

/** Position of the node at `path`, or of its deepest existing ancestor when the path does not exist. */
export function positionAtPath(source: YamlSource, path: DocumentPath): SourcePosition {
  return positionOfNode(source, walkPath(source, path).node);
}

/** Position of the KEY of the last path segment (for "unknown key" messages); falls back like positionAtPath. */
export function positionOfKeyAtPath(source: YamlSource, path: DocumentPath): SourcePosition {
  const walk = walkPath(source, path);
  return positionOfNode(source, walk.complete && walk.pair ? walk.pair.key : walk.node);
}

interface PathWalk {
  node: unknown;
  /** The map entry holding `node` when the last segment was a map key. */
  pair?: Pair;
  complete: boolean;
}

function walkPath(source: YamlSource, path: DocumentPath): PathWalk {
  let walk: PathWalk = { node: source.doc.contents, complete: true };
  for (const segment of path) {
    const next = childOf(source, walk.node, segment);
    if (!next) return { ...walk, complete: false };
    walk = { ...next, complete: true };
  }
  return walk;
}

function childOf(source: YamlSource, parent: unknown, segment: PropertyKey): Omit<PathWalk, 'complete'> | undefined {
  const node = resolveNode(source, parent);
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { node: item };
  }
  if (!isMap(node)) return undefined;
  // Through merge keys too: a value that came from `<<: *defaults` is found where the anchor wrote it.
  const pair = mapEntries(source, node).find((item) => isPair(item) && keyText(item.key) === String(segment));
  return pair ? { node: valueOrKeyNode(pair), pair } : undefined;
}

/** The value of a map entry, or its key when the value is absent or empty (`key:` with nothing after it). */
export function valueOrKeyNode(pair: Pair): unknown {
  const range = isNode(pair.value) ? pair.value.range : undefined;
  return range && range[1] > range[0] ? pair.value : pair.key;
}

/** A map key as text; non-scalar keys never match a path segment. */
export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}
