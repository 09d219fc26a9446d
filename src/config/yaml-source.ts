/** Reads a YAML file into a document that remembers where every node came from. */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { InputError, type SourcePosition } from '../errors.js';

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
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) throw syntaxError(file, error);
  return { file, doc, lineCounter };
}

function readSourceText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? cause})`;
    throw new InputError(`${what} ${problem}; expected a readable YAML file`, { file, line: 1, col: 1 }, { cause });
  }
}

function syntaxError(file: string, error: YAMLError): InputError {
  const start = error.linePos?.[0];
  const position: SourcePosition = { file, line: start?.line ?? 1, col: start?.col ?? 1 };
  // prettyErrors appends " at line L, column C:" and a code excerpt; the position already says that.
  const reason = error.message.split(/ at line \d+, column \d+/)[0]?.trim() ?? error.message;
  return new InputError(`invalid YAML: ${reason}; expected well-formed YAML`, position, { cause: error });
}
