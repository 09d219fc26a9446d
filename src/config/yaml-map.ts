/**
 * YAML mappings as Ansible (PyYAML) sees them: aliases resolved to their anchored node, and YAML 1.1
 * `<<` merge keys applied (https://yaml.org/type/merge.html): the keys of the merged mapping — or of each
 * mapping in a merged list, earlier ones winning — are added unless the mapping sets them itself.
 * Merged entries keep their own nodes, so a position found through them points where the value is
 * written (at the anchor), which is where a fix goes.
 */
import { isAlias, isMap, isScalar, isSeq, visit, type Pair, type YAMLMap } from 'yaml';
import { InputError } from '../errors.js';
import { describeValue } from './describe-value.js';
import { keyText } from './node-position.js';
import type { YamlSource } from './yaml-source.js';

/** Alias → the node it stands for, per document, built in one pass (yaml's Alias.resolve walks the whole document each call). */
const aliasTargets = new WeakMap<object, Map<unknown, unknown>>();

/** The anchored node an alias stands for (null when there is none); any other value unchanged. */
export function resolveNode(source: YamlSource, node: unknown): unknown {
  if (!isAlias(node)) return node;
  let targets = aliasTargets.get(source.doc);
  if (!targets) aliasTargets.set(source.doc, (targets = indexAliases(source)));
  return targets.get(node) ?? null;
}

/** As YAML (and yaml's Alias.resolve) defines it: the last node before the alias, in document order, with that anchor. */
function indexAliases(source: YamlSource): Map<unknown, unknown> {
  const anchors = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  visit(source.doc, {
    Node(_, node) {
      if (isAlias(node)) targets.set(node, anchors.get(node.source) ?? null);
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/** A plain (unquoted) `<<` key, which the document was parsed to read as a merge key. */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

/** The mapping's effective entries in document order, merge keys replaced by the entries they bring. */
export function mapEntries(source: YamlSource, map: YAMLMap): Pair[] {
  const own = new Set(map.items.filter((pair) => !isMergeKey(pair.key)).map((pair) => keyText(pair.key)));
  const seen = new Set<string | undefined>();
  const entries: Pair[] = [];
  for (const pair of map.items) {
    const candidates = isMergeKey(pair.key) ? mergedEntries(source, pair) : [pair];
    for (const entry of candidates) {
      const key = keyText(entry.key);
      if (entry !== pair && (own.has(key) || seen.has(key))) continue;
      seen.add(key);
      entries.push(entry);
    }
  }
  return entries;
}

function mergedEntries(source: YamlSource, pair: Pair): Pair[] {
  const value = resolveNode(source, pair.value);
  const sources = isSeq(value) ? value.items : [pair.value];
  return sources.flatMap((item) => {
    const merged = resolveNode(source, item);
    if (!isMap(merged)) throw badMerge(source, isSeq(value) ? item : pair.value);
    return mapEntries(source, merged);
  });
}

/** The first `<<` whose value is not a mapping (or list of mappings); checks direct values only, so it is cheap. */
export function findBadMerge(source: YamlSource): InputError | undefined {
  let found: InputError | undefined;
  visit(source.doc, {
    Pair(_, pair) {
      if (found || !isMergeKey(pair.key)) return;
      const value = resolveNode(source, pair.value);
      const items = isSeq(value) ? value.items : [pair.value];
      const bad = items.find((item) => !isMap(resolveNode(source, item)));
      if (bad !== undefined) found = badMerge(source, isSeq(value) ? bad : pair.value);
    },
  });
  return found;
}

function badMerge(source: YamlSource, node: unknown): InputError {
  const offset = (node as { range?: number[] } | null)?.range?.[0] ?? 0;
  const { line, col } = source.lineCounter.linePos(offset);
  const message = `merge key "<<" is given ${describeNode(source, node)}; expected an alias to a mapping (or a list of them), e.g. <<: *defaults`;
  return new InputError(message, { file: source.file, line: Math.max(line, 1), col: Math.max(col, 1) });
}

function describeNode(source: YamlSource, node: unknown): string {
  const resolved = resolveNode(source, node);
  if (isSeq(resolved)) return 'a list';
  if (isScalar(resolved)) return describeValue(resolved.value);
  return describeValue(resolved ?? null);
}
