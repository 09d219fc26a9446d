/**
 * zod building blocks whose failures read "got X; expected Y". Leaves wrap a plain parse function
 * (value → result, or undefined when invalid) so the wording of what is expected lives in one place.
 */
import { z } from 'zod';
import { gotExpected } from './describe-value.js';

export type ParseValue<T> = (value: unknown) => T | undefined;

/** A field that must be present and valid. */
export function requiredField<T>(expected: string, parse: ParseValue<T>): z.ZodType<T> {
  return z.unknown().transform((value, ctx) => {
    const parsed = value === undefined ? undefined : parse(value);
    if (parsed !== undefined) return parsed;
    ctx.addIssue({ code: 'custom', message: gotExpected(value, expected) });
    return z.NEVER;
  });
}

/** A field that may be absent (left out of the result) but is validated when present. */
export function optionalField<T>(expected: string, parse: ParseValue<T>) {
  return requiredField(expected, parse).optional();
}

/** A field that takes `fallback` when absent; an explicit empty value is still an error. */
export function defaultedField<T>(expected: string, parse: ParseValue<T>, fallback: NoInfer<T>) {
  return requiredField<T>(expected, parse).default(fallback as z.util.NoUndefined<T>);
}

/**
 * A mapping with a fixed set of keys; `null` (a key written with nothing after it) counts as `{}`.
 * `noun` names its keys in messages: `unknown option "vlaue"; expected one of: value, min`.
 */
export function strictMapping<S extends z.ZodRawShape>(shape: S, noun = 'key') {
  const keys = Object.keys(shape).join(', ');
  const allowed = keys ? `one of: ${keys}` : `no ${noun}s`;
  const mapping = z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown ${noun} "${String(issue.keys[0])}"; expected ${allowed}`
        : gotExpected(issue.input, keys ? `a mapping with ${noun}s: ${keys}` : `no ${noun}s (nothing or {})`),
  });
  return z.preprocess((value) => (value === null ? {} : value), mapping);
}
