/** `steps:` items: each a mapping with exactly one step key (plus an optional `name`), options validated per kind. */
import { gotExpected } from '../config/describe-value.js';
import { positionAtPath, positionOfKeyAtPath } from '../config/node-position.js';
import type { YamlSource } from '../config/yaml-source.js';
import { inputErrorFromZod } from '../config/zod-input-error.js';
import { didYouMean } from '../config/did-you-mean.js';
import { InputError } from '../errors.js';
import { STEP_KINDS, STEP_SCHEMAS, isStepKind } from './step-schemas.js';
import type { StepKind, StepSpec } from './types.js';
import { parseText } from './values.js';

export function parseSteps(source: YamlSource, items: readonly unknown[]): StepSpec[] {
  return items.map((item, index) => parseStep(source, item, index));
}

function parseStep(source: YamlSource, item: unknown, index: number): StepSpec {
  const path = ['steps', index];
  const label = `steps[${index}]`;
  const position = positionAtPath(source, path);
  const kinds = STEP_KINDS.join(', ');
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new InputError(
      `${label}: ${gotExpected(item, `a mapping with one step key (${kinds}), e.g. "- check_count: {}"`)}`,
      position,
    );
  }
  const keys = Object.keys(item).filter((key) => key !== 'name' && key !== 'per_host');
  const unknown = keys.find((key) => !isStepKind(key));
  if (unknown !== undefined) {
    throw new InputError(
      `${label}: unknown step "${unknown}"${didYouMean(unknown, STEP_KINDS)}; expected one of: ${kinds}`,
      positionOfKeyAtPath(source, [...path, unknown]),
    );
  }
  const [kind, extra] = keys as StepKind[];
  if (kind === undefined) throw new InputError(`${label}: no step key; expected one of: ${kinds}`, position);
  if (extra !== undefined) {
    const message = `${label}: two step keys "${kind}" and "${extra}"; expected exactly one step per list item`;
    throw new InputError(message, positionOfKeyAtPath(source, [...path, extra]));
  }
  const name = readStepName(source, item as Record<string, unknown>, path);
  const parsed = STEP_SCHEMAS[kind].safeParse((item as Record<string, unknown>)[kind]);
  if (!parsed.success) throw inputErrorFromZod(source, parsed.error, [...path, kind]);
  const perHost = parsePerHost(source, item as Record<string, unknown>, path, kind);
  // TypeScript cannot correlate STEP_SCHEMAS[kind]'s output with `kind`; the mapped type above guarantees it.
  return {
    kind,
    options: parsed.data,
    position,
    ...(name !== undefined && { name }),
    ...(perHost && { perHost }),
  } as StepSpec;
}

/**
 * `per_host: { HOST: { option: value } }`: a host's own values for this step (what `advise --write-playbook`
 * writes). Each host's options are the step's options with its entries merged over them, validated like the step.
 */
function parsePerHost(
  source: YamlSource,
  item: Record<string, unknown>,
  path: Array<string | number>,
  kind: StepKind,
): Record<string, unknown> | undefined {
  if (!('per_host' in item)) return undefined;
  const value = item['per_host'];
  const where = [...path, 'per_host'];
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
    const message = `steps[${String(path[1])}].per_host: ${gotExpected(value, 'a mapping of inventory host names to option mappings')}`;
    throw new InputError(message, positionAtPath(source, where));
  }
  const base = item[kind];
  const perHost: Record<string, unknown> = {};
  for (const [host, overrides] of Object.entries(value)) {
    if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
      const message = `steps[${String(path[1])}].per_host.${host}: ${gotExpected(overrides, `a mapping of ${kind} options`)}`;
      throw new InputError(message, positionAtPath(source, [...where, host]));
    }
    const merged = { ...(typeof base === 'object' && base !== null ? base : {}), ...overrides };
    const parsed = STEP_SCHEMAS[kind].safeParse(merged);
    if (!parsed.success) throw inputErrorFromZod(source, parsed.error, [...where, host]);
    perHost[host] = parsed.data;
  }
  return perHost;
}

function readStepName(
  source: YamlSource,
  item: Record<string, unknown>,
  path: Array<string | number>,
): string | undefined {
  if (!('name' in item)) return undefined;
  const name = parseText(item['name']);
  if (name === undefined) {
    const where = positionAtPath(source, [...path, 'name']);
    throw new InputError(`steps[${String(path[1])}].name: ${gotExpected(item['name'], 'a non-empty string')}`, where);
  }
  return name;
}
