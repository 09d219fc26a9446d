/**
 * For test/report/json-keys.test.ts: walks a JSON value for keys with an upper-case letter, skipping the keys (not the
 * values) of maps keyed by data.
 */
export type Path = string[];
/** Whether the object at `at` is keyed by data (its keys are exempt; its values are still walked). */
export type IsDataMap = (at: Path, parent: Record<string, unknown> | null) => boolean;

/** `path.to.key` of every key with an upper-case letter, outside data maps. */
export function upperCaseKeys(
  value: unknown,
  isData: IsDataMap,
  at: Path = [],
  parent: Record<string, unknown> | null = null,
): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => upperCaseKeys(item, isData, [...at, '[]'], parent));
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  const exempt = isData(at, parent);
  return Object.entries(object).flatMap(([key, inner]) => [
    ...(!exempt && /[A-Z]/.test(key) ? [[...at, key].join('.')] : []),
    ...upperCaseKeys(inner, isData, [...at, key], object),
  ]);
}

const last = (at: Path, n = 1) => at.slice(-n).join('.');
/** Timeout knob names: check's conntrack.timeouts, advise's timeouts. */
export const timeoutMaps: IsDataMap = (at) => last(at) === 'timeouts';
/** In a run report: set_timeouts' before/after (timeout names) and persist's before/after `values` (sysctl keys). */
export const stepDataMaps: IsDataMap = (at, parent) =>
  last(at, 2) === 'before.values' ||
  last(at, 2) === 'after.values' ||
  ((last(at) === 'before' || last(at) === 'after') && parent?.['step'] === 'set_timeouts');
