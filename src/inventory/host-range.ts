/**
 * Host entries as Ansible's YAML inventory reads them: `web[01:20].example.com` ranges
 * (numeric with zero padding, or letters, optional step) and a `host:port` suffix.
 */

import { hostNameProblem } from './name-rules.js';

export type HostEntry = { names: string[]; port?: number } | { error: string };

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Names one host entry may stand for. A typo such as `web[1:100000000]` would otherwise build a hundred million
 * names (minutes of CPU, gigabytes) before any message; like the YAML alias limit, it is refused as bad input.
 * docs/scale.md fleets are thousands of hosts: 100000 per line leaves room.
 */
export const maxRangeNames = 100_000;

const tooMany = (count: number) =>
  `host range expands to ${count} names; expected at most ${maxRangeNames} per host entry (a typo in the range?)`;

export function parseHostEntry(entry: string): HostEntry {
  const { host, port } = splitPort(entry.trim());
  if (!host) return { error: `host "${entry}": empty host name; expected a host name or address` };
  if (port !== undefined && (port < 1 || port > 65535)) {
    return { error: `host "${entry}": port ${port} is out of range; expected 1-65535` };
  }
  // checked before ranges are read: "[" in a name with a newline would otherwise be reported as a bad range
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(host))
    return { error: `host name ${JSON.stringify(host)} is refused; expected no spaces or control characters` };
  const names = expandRanges(host);
  if (typeof names === 'string') return { error: `host ${JSON.stringify(entry)}: ${names}` };
  for (const name of names) {
    const problem = hostNameProblem(name);
    if (problem) return { error: `host name ${JSON.stringify(name)} is refused; expected ${problem}` };
  }
  return { names, ...(port !== undefined && { port }) };
}

function splitPort(entry: string): { host: string; port?: number } {
  const bracketed = /^\[([0-9a-fA-F:.]*:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return withPort(bracketed[1] ?? '', bracketed[2]);
  // Colons inside [a:b] ranges are not port separators; more than one other colon means a bare IPv6 address.
  const outsideRanges = entry.replace(/\[[^\]]*\]/g, '');
  const colons = outsideRanges.split(':').length - 1;
  const suffix = /^(.*):(\d+)$/.exec(entry);
  return colons === 1 && suffix ? withPort(suffix[1] ?? '', suffix[2]) : { host: entry };
}

function withPort(host: string, port: string | undefined): { host: string; port?: number } {
  return port === undefined ? { host } : { host, port: Number(port) };
}

/** All names the pattern stands for, or a string describing what is wrong. */
export function expandRanges(pattern: string): string[] | string {
  const match = /^([^[]*)\[([^\]]*)\](.*)$/.exec(pattern);
  if (!match) return [pattern];
  const [, head = '', range = '', tail = ''] = match;
  const values = expandRange(range);
  if (typeof values === 'string') return values;
  const names: string[] = [];
  for (const value of values) {
    const expanded = expandRanges(`${head}${value}${tail}`);
    if (typeof expanded === 'string') return expanded;
    names.push(...expanded);
    // ranges multiply (web[1:1000]-[1:1000]): stop as soon as the product is over the limit
    if (names.length > maxRangeNames) return tooMany(expanded.length * values.length);
  }
  return names;
}

function expandRange(range: string): string[] | string {
  const bounds = range.split(':');
  const expected = 'expected [begin:end] or [begin:end:step], e.g. [01:20] or [a:f]';
  if (bounds.length < 2 || bounds.length > 3) return `invalid host range [${range}]; ${expected}`;
  const [begin = '', end = '', stepText = '1'] = bounds;
  const step = Number(stepText);
  if (!end || !Number.isInteger(step) || step < 1) return `invalid host range [${range}]; ${expected}`;
  if (/^[a-zA-Z]$/.test(begin) && /^[a-zA-Z]$/.test(end)) {
    return letterRange(begin, end, step, range);
  }
  return numberRange(begin || '0', end, step, range, expected);
}

function letterRange(begin: string, end: string, step: number, range: string): string[] | string {
  const from = LETTERS.indexOf(begin);
  const to = LETTERS.indexOf(end);
  if (from > to) return `host range [${range}] ends before it begins; expected begin <= end`;
  return [...LETTERS.slice(from, to + 1)].filter((_, index) => index % step === 0);
}

function numberRange(begin: string, end: string, step: number, range: string, expected: string): string[] | string {
  if (!/^\d+$/.test(begin) || !/^\d+$/.test(end)) return `invalid host range [${range}]; ${expected}`;
  // Ansible pads to the width of `begin` only when it has a leading zero, and then demands equal widths.
  const width = begin.startsWith('0') && begin.length > 1 ? begin.length : 0;
  if (width && end.length !== width) {
    return `host range [${range}] mixes widths; expected begin and end of equal length when zero-padded`;
  }
  const from = Number(begin);
  const to = Number(end);
  if (from > to) return `host range [${range}] ends before it begins; expected begin <= end`;
  const count = Math.floor((to - from) / step) + 1;
  if (count > maxRangeNames) return tooMany(count);
  const values: string[] = [];
  for (let n = from; n <= to; n += step) values.push(String(n).padStart(width, '0'));
  return values;
}
