/** `steps:` items: each a mapping with exactly one step key (plus an optional `name`), options validated per kind. */
import { gotExpected } from '../config/describe-value.js';
import { positionAtPath, positionOfKeyAtPath } from '../config/node-position.js';
import type { YamlSource } from '../config/yaml-source.js';
import { inputErrorFromZod } from '../config/zod-input-error.js';
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
    throw new InputError(`${label}: ${gotExpected(item, `a mapping with one step key (${kinds}), e.g. "- check_count: {}"`)}`, position);
  }
  const keys = Object.keys(item).filter((key) => key !== 'name');
  const unknown = keys.find((key) => !isStepKind(key));
  if (unknown !== undefined) {
    throw new InputError(`${label}: unknown step "${unknown}"; expected one of: ${kinds}`, positionOfKeyAtPath(source, [...path, unknown]));
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
  // TypeScript cannot correlate STEP_SCHEMAS[kind]'s output with `kind`; the mapped type above guarantees it.
  return { kind, options: parsed.data, position, ...(name !== undefined && { name }) } as StepSpec;
}

function readStepName(source: YamlSource, item: Record<string, unknown>, path: Array<string | number>): string | undefined {
  if (!('name' in item)) return undefined;
  const name = parseText(item['name']);
  if (name === undefined) {
    const where = positionAtPath(source, [...path, 'name']);
    throw new InputError(`steps[${String(path[1])}].name: ${gotExpected(item['name'], 'a non-empty string')}`, where);
  }
  return name;
}
