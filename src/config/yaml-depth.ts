/**
 * Where a document nests deeper than the limit, found on yaml's concrete syntax tree: its Parser keeps its own stack,
 * while the composer that builds nodes recurses and can run out of call stack first on deep flow collections
 * (`[[[[…`). The place the composer gave up depends on the stack size (Node version, call depth), so it is not
 * reported; this walk finds the same collection checkDepth finds on a composed document, whatever the stack.
 */
import { CST, Parser } from 'yaml';

interface Pending {
  token: CST.Token | null | undefined;
  depth: number;
}

function children(token: CST.Token): (CST.Token | null | undefined)[] {
  if (token.type === 'document') return [token.value];
  if (CST.isCollection(token)) return token.items.flatMap((item) => [item.key, item.value]);
  return [];
}

/**
 * The source offset (UTF-16 index into `text`) of the first collection, in checkDepth's order, nested deeper than
 * `maxDepth` (the document's top collection is depth 1, each key or value one deeper than its collection); null when
 * none is. Iterative, so the input it exists to refuse cannot overflow it.
 */
export function tooDeepOffset(text: string, maxDepth: number): number | null {
  for (const top of new Parser().parse(text)) {
    const pending: Pending[] = [{ token: top, depth: 0 }];
    for (let item = pending.pop(); item; item = pending.pop()) {
      const { token, depth } = item;
      if (!token) continue;
      if (CST.isCollection(token) && depth > maxDepth) return token.offset;
      for (const child of children(token)) pending.push({ token: child, depth: depth + 1 });
    }
  }
  return null;
}
