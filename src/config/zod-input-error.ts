/** Turns a zod validation failure into one InputError at the offending node. */
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { formatPath } from './describe-value.js';
import { positionAtPath, positionOfKeyAtPath, type DocumentPath } from './node-position.js';
import type { YamlSource } from './yaml-source.js';

/** Set `params: { at: 'key' }` on a custom issue to point at the key instead of the value. */
export const pointAtKey = { at: 'key' } as const;

/**
 * `basePath` is where the parsed value sits in the document. Unknown keys are reported first because
 * a misspelt key usually also causes a "missing" issue for the key it was meant to be.
 */
export function inputErrorFromZod(source: YamlSource, error: z.ZodError, basePath: DocumentPath = []): InputError {
  const issues = error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (!issue) return new InputError('invalid input', positionAtPath(source, basePath), { cause: error });
  const path = [...basePath, ...issue.path];
  const position =
    issue.code === 'unrecognized_keys'
      ? positionOfKeyAtPath(source, [...path, issue.keys[0] ?? ''])
      : issue.code === 'custom' && issue.params?.['at'] === 'key'
        ? positionOfKeyAtPath(source, path)
        : positionAtPath(source, path);
  const where = formatPath(path);
  return new InputError(where ? `${where}: ${issue.message}` : issue.message, position, { cause: error });
}
