/**
 * Reads a YAML file into a document that remembers where every node came from. Anchors, aliases and
 * YAML 1.1 `<<` merge keys are accepted as Ansible (PyYAML) accepts them; alias bombs and aliases that
 * contain themselves are refused once, at parse (yaml-checks.ts), so every later walk of the document is bounded.
 */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { readSourceText } from './source-text.js';
import { checkDepth, checkNodes, MAX_ALIAS_COUNT } from './yaml-checks.js';
import { aliasError, syntaxError } from './yaml-errors.js';
import { resolveNode } from './yaml-map.js';

export interface YamlSource {
  /** The path as given by the user; used in every message. */
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

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
  if (error) throw syntaxError(file, text, error);
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
