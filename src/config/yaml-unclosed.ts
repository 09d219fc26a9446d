/**
 * Where an unclosed quote or flow collection was opened. yaml reports a missing closing quote where it gave up
 * looking (the end of the scalar: often the end of the file) and an open `[`/`{` where the next block line starts;
 * the user needs the opening character. yaml's CST (its Parser's tokens, with source offsets) still holds the open
 * token, so the offset is read from there.
 */
import { Parser, type YAMLError } from 'yaml';

type Unclosed = 'double-quoted-scalar' | 'single-quoted-scalar' | 'flow-collection';

interface CstToken {
  type: string;
  offset: number;
  source?: string;
  start?: unknown;
  end?: unknown;
}

/** What the error says was left open, from its code and message (yaml 2 compose/resolve-flow-*.js). */
function unclosedKind(error: YAMLError): Unclosed | null {
  if (error.code === 'MISSING_CHAR' && /^Missing closing "quote/.test(error.message)) return 'double-quoted-scalar';
  if (error.code === 'MISSING_CHAR' && /^Missing closing 'quote/.test(error.message)) return 'single-quoted-scalar';
  if (/^Flow (?:sequence|map) .*end with a [\]}]/.test(error.message)) return 'flow-collection';
  return null;
}

/** Every CST token under `value`, depth first, in source order. */
function* cstTokens(value: unknown): Generator<CstToken> {
  if (Array.isArray(value)) {
    for (const item of value) yield* cstTokens(item);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const token = value as Partial<CstToken>;
  if (typeof token.type === 'string' && typeof token.offset === 'number') yield token as CstToken;
  for (const child of Object.values(value)) if (typeof child === 'object') yield* cstTokens(child);
}

const closedDouble = /^"(?:[^"\\]|\\[\s\S])*"$/;
const closedSingle = /^'(?:[^']|'')*'$/;

function isOpen(token: CstToken, kind: Unclosed): boolean {
  if (token.type !== kind) return false;
  if (kind === 'double-quoted-scalar') return !closedDouble.test(token.source ?? '');
  if (kind === 'single-quoted-scalar') return !closedSingle.test(token.source ?? '');
  const close = (token.start as CstToken | undefined)?.source === '{' ? '}' : ']';
  const end = Array.isArray(token.end) ? (token.end as CstToken[]) : [];
  return !end.some((t) => t.source === close);
}

/**
 * The source offset (UTF-16 units) of the quote or bracket that `error` says was never closed: the last such open
 * token starting at or before the error's offset (the innermost, for nested flow collections); null when the error
 * is of another kind or the CST holds no open token.
 */
export function unclosedOpenOffset(text: string, error: YAMLError): number | null {
  const kind = unclosedKind(error);
  if (kind === null) return null;
  const errorOffset = error.pos[0];
  let found: number | null = null;
  for (const token of cstTokens([...new Parser().parse(text)]))
    if (token.offset <= errorOffset && isOpen(token, kind) && (found === null || token.offset > found))
      found = token.offset;
  return found;
}
