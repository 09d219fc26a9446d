/** Top-level playbook keys (everything but the content of `steps`, which parse-steps.ts validates). */
import { z } from 'zod';
import { gotExpected } from '../config/describe-value.js';
import { defaultedField, optionalField, requiredField, strictMapping } from '../config/zod-fields.js';
import type { BatchSize } from './types.js';
import {
  ON_ABORT_VALUES,
  parseBatchSize,
  parseDurationMs,
  parseHostsField,
  parseIntInRange,
  parseNumberInRange,
  parseOnAbort,
  parseText,
} from './values.js';

const BATCH_SIZE = 'a host count (positive integer) or a percentage "1%"-"100%"';

/** A single batch size or a list of them; each bad item is reported at its own position. */
const serialField = z
  .unknown()
  .transform((value, ctx): BatchSize[] => {
    const items = Array.isArray(value) ? value : [value];
    if (items.length === 0)
      ctx.addIssue({ code: 'custom', message: gotExpected(value, `at least one batch size: ${BATCH_SIZE}`) });
    const sizes: BatchSize[] = [];
    items.forEach((item, index) => {
      const size = parseBatchSize(item);
      if (size !== undefined) sizes.push(size);
      else
        ctx.addIssue({
          code: 'custom',
          message: gotExpected(item, BATCH_SIZE),
          path: Array.isArray(value) ? [index] : [],
        });
    });
    return sizes;
  })
  .default(['100%']);

const gateSchema = strictMapping(
  {
    soak: requiredField('a duration such as 30s, 2m, 500ms, or a number of seconds', parseDurationMs),
    max_usage_percent: optionalField('a number 0-100', parseNumberInRange(0, 100)),
    max_new_drops: defaultedField('an integer >= 0', parseIntInRange(0, Number.MAX_SAFE_INTEGER), 0),
  },
  'key',
).transform(({ soak, max_usage_percent, max_new_drops }) => ({
  soakMs: soak,
  max_new_drops,
  ...(max_usage_percent !== undefined && { max_usage_percent }),
}));

function parseNonEmptyList(value: unknown): unknown[] | undefined {
  return Array.isArray(value) && value.length > 0 ? (value as unknown[]) : undefined;
}

export const playbookSchema = strictMapping(
  {
    name: optionalField('a non-empty string', parseText),
    hosts: requiredField('an Ansible host pattern such as all or web:!canary (or a list of patterns)', parseHostsField),
    serial: serialField,
    max_fail_percentage: defaultedField('a number 0-100', parseNumberInRange(0, 100), 0),
    max_unreachable_percent: optionalField('a number 0-100 (omit for unlimited)', parseNumberInRange(0, 100)),
    gate: gateSchema.optional(),
    on_abort: defaultedField(`one of: ${ON_ABORT_VALUES.join(', ')}`, parseOnAbort, 'rollback-batch'),
    steps: requiredField('a non-empty list of steps', parseNonEmptyList),
  },
  'key',
);
