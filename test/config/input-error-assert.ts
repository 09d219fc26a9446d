/** Test helper: the call must throw an InputError at exactly FILE:LINE:COL (null: without position) whose message matches. */
import assert from 'node:assert/strict';
import { InputError } from '../../src/errors.js';

export function assertInputError(run: () => unknown, where: string | null, message: RegExp): InputError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof InputError, `expected an InputError, got ${String(thrown)}`);
  const formatted = thrown.format();
  if (where === null) assert.equal(thrown.position, undefined, `expected no position, got: ${formatted}`);
  else assert.ok(formatted.startsWith(`${where}: `), `expected position ${where}, got: ${formatted}`);
  assert.match(thrown.message, message);
  return thrown;
}

/** Joins lines so test YAML keeps its exact line and column numbers visible. */
export function yamlLines(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
