/**
 * What a parsed document must pass before anything reads it, and the limits that bound its cost: nesting depth,
 * alias expansion, aliases inside the node they name, duplicate keys. Refused here, once, so every later walk of the
 * document is bounded.
 */
import { isCollection, isNode, isPair, isScalar, visit } from 'yaml';
import { InputError } from '../errors.js';
import { positionOfNode, positionOfOffset } from './node-position.js';
import { resolveNode } from './yaml-map.js';
import type { YamlSource } from './yaml-source.js';

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

/** Iterative (an explicit stack), so the check itself cannot overflow on the input it exists to refuse. */
export function checkDepth(source: YamlSource): void {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: source.doc.contents, depth: 1 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { node, depth } = item;
    if (!isCollection(node)) continue;
    if (depth > MAX_NESTING_DEPTH) {
      const problem = `nesting deeper than ${MAX_NESTING_DEPTH} levels`;
      throw new InputError(
        `${problem}; expected at most ${MAX_NESTING_DEPTH} nested lists or mappings`,
        positionOfNode(source, node),
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
export function checkNodes(source: YamlSource): void {
  visit(source.doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          throw new InputError(
            'invalid YAML: Map keys must be unique; expected well-formed YAML',
            positionOfNode(source, pair.key),
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
          positionOfOffset(source, at),
        );
      }
    },
  });
}
