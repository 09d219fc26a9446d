/**
 * `--limit` text → a host pattern. Like Ansible's InventoryManager.subset, a term `@FILE` stands for the hosts
 * listed in FILE, one per line (Ansible's .retry format). A retry inventory this tool writes (--retry-file: a YAML
 * inventory) is accepted too, taking its hosts. An empty limit is refused instead of meaning "no limit".
 */
import { readSourceText } from '../config/source-text.js';
import { InputError, type SourcePosition } from '../errors.js';
import { parseInventoryText } from './inventory-sources.js';

const EXPECTED = 'expected a host pattern (e.g. web1, web:!db) or @FILE';

/**
 * `sources`, when given, gets the FILE:LINE:COL of each host name read from a line-per-host @FILE, so a name that
 * matches nothing is reported where it is written (limitHosts).
 */
export function expandLimit(
  limit: string,
  readText: (file: string) => string = readLimitFile,
  sources?: Map<string, SourcePosition>,
): string {
  if (limit.trim() === '') throw new InputError(`--limit is empty; ${EXPECTED}`);
  const terms = limit.split(',').map((term) => term.trim());
  if (!terms.some((term) => term.startsWith('@'))) return limit;
  const expanded = terms.flatMap((term) =>
    term.startsWith('@') ? hostsInFile(term.slice(1), readText, sources) : [term],
  );
  return expanded.filter(Boolean).join(',');
}

function hostsInFile(
  file: string,
  readText: (file: string) => string,
  sources?: Map<string, SourcePosition>,
): string[] {
  if (!file) throw new InputError(`--limit "@" names no file; ${EXPECTED}`);
  const text = readText(file);
  const hosts = isYamlInventory(text)
    ? [...parseInventoryText(file, text).hosts.keys()]
    : hostLines(file, text, sources);
  if (hosts.length === 0)
    throw new InputError(`--limit @${file} lists no hosts; expected one host per line`, { file, line: 1, col: 1 });
  return hosts;
}

/** Starts like a YAML mapping (`all:`), which a line of host names never does. */
function isYamlInventory(text: string): boolean {
  const first = text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line && !line.startsWith('#'));
  return first !== undefined && (first === '---' || /^[^\s#]+:(?:\s|$)/.test(first));
}

/** Ansible's .retry format: one host a line; blank lines and `#` comments skipped. */
function hostLines(file: string, text: string, sources?: Map<string, SourcePosition>): string[] {
  return text.split('\n').flatMap((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return [];
    if (sources && !sources.has(line)) sources.set(line, { file, line: index + 1, col: raw.indexOf(line) + 1 });
    return [line];
  });
}

function readLimitFile(file: string): string {
  return readSourceText(file, '--limit file', 'a readable file of host names, one per line');
}
