/** Wording shared by every "got X; expected Y" message. */
import type { DocumentPath } from './node-position.js';

/** `"abc"`, `42`, `a list`, `a mapping`, `nothing` — how a user would name what they wrote. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** `['steps', 2, 'raise_max', 'value']` → `steps[2].raise_max.value`. */
export function formatPath(path: DocumentPath): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/** `got "abc"; expected an integer 1-65535`, or `missing; expected …` when the value is absent. */
export function gotExpected(value: unknown, expected: string): string {
  return value === undefined ? `missing; expected ${expected}` : `got ${describeValue(value)}; expected ${expected}`;
}
