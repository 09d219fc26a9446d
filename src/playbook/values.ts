/** Pure parsers for playbook values: each returns the parsed value, or undefined when the input is invalid. */
import type { ParseValue } from '../config/zod-fields.js';
import { joinHostPatterns } from '../inventory/host-pattern.js';
import type { BatchSize, HashsizeExpr, OnAbort } from './types.js';

/** Largest value an int sysctl accepts. */
export const KERNEL_INT_MAX = 2_147_483_647;

export const ON_ABORT_VALUES: readonly OnAbort[] = ['rollback-batch', 'rollback-all', 'keep'];

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseIntInRange(min: number, max: number): ParseValue<number> {
  return (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

export function parseNumberInRange(min: number, max: number): ParseValue<number> {
  return (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}

export const parseBool: ParseValue<boolean> = (value) => (typeof value === 'boolean' ? value : undefined);

export const parseText: ParseValue<string> = (value) =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** `30s`, `2m`, `500ms`, `1h`, or a plain number of seconds. */
export const parseDurationMs: ParseValue<number> = (value) => {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? 's'] ?? 1000));
};

/** A host count (positive integer, also as a numeric string) or a percentage "1%"-"100%". */
export const parseBatchSize: ParseValue<BatchSize> = (value) => {
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return parseBatchSize(Number(value));
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 ? value : undefined;
  const match = typeof value === 'string' ? /^\s*(\d+)\s*%\s*$/.exec(value) : null;
  const percent = Number(match?.[1]);
  return match && percent >= 1 && percent <= 100 ? `${percent}%` : undefined;
};

/** raise_max value: a positive integer or `auto`. */
export const parseMaxValue: ParseValue<number | 'auto'> = (value) =>
  value === 'auto' ? 'auto' : parseIntInRange(1, KERNEL_INT_MAX)(value);

/** set_hashsize value: a positive integer, `max`, or `max/N`. */
export const parseHashsizeExpr: ParseValue<HashsizeExpr> = (value) => {
  const absolute = parseIntInRange(1, KERNEL_INT_MAX)(value);
  if (absolute !== undefined) return { kind: 'absolute', value: absolute };
  const match = typeof value === 'string' ? /^\s*max\s*(?:\/\s*(\d+)\s*)?$/.exec(value) : null;
  const divisor = match ? Number(match[1] ?? 1) : 0;
  return divisor >= 1 && Number.isSafeInteger(divisor) ? { kind: 'fraction-of-max', divisor } : undefined;
};

/** An absolute path that a shell script can carry (no NUL, no newline). */
export const parseAbsolutePath: ParseValue<string> = (value) =>
  typeof value === 'string' && value.startsWith('/') && !/[\0\n\r]/.test(value) ? value : undefined;

/**
 * persist.file: a file sysctl reads at boot, so a persisted value is really applied — /etc/sysctl.conf, or a
 * `*.conf` file directly in one of sysctl.d(5)'s directories (the list of src/facts/sections/boot-config.ts).
 * Names are letters, digits, `.`, `_`, `-`, `@`, `+` (no shell metacharacters: the path reaches remote scripts).
 */
export const SYSCTL_FILE_EXPECTED =
  '/etc/sysctl.conf or NAME.conf in /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d or /lib/sysctl.d';
const SYSCTL_FILE =
  /^(?:\/etc\/sysctl\.conf|\/(?:etc|run|usr\/local\/lib|usr\/lib|lib)\/sysctl\.d\/[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*\.conf)$/;

export const parseSysctlFile: ParseValue<string> = (value) =>
  typeof value === 'string' && SYSCTL_FILE.test(value) ? value : undefined;

export const parseOnAbort: ParseValue<OnAbort> = (value) => ON_ABORT_VALUES.find((v) => v === value);

/** `hosts:` as a pattern string, or a list of patterns joined with "," as Ansible does. */
export const parseHostsField: ParseValue<string> = (value) => {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => parseText(v) !== undefined))
    return joinHostPatterns(value);
  return parseText(value);
};
