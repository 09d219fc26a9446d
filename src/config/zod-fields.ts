/**
 * zod building blocks whose failures read "got X; expected Y". Leaves wrap a plain parse function
 * (value → result, or undefined when invalid) so the wording of what is expected lives in one place.
 */
import { z } from 'zod';
import { gotExpected } from './describe-value.js';
import { didYouMean } from './did-you-mean.js';

export type ParseValue<T> = (value: unknown) => T | undefined;

/**
 * `"262144"` where a number is expected: ` (numbers are written without quotes: 262144)` when the unquoted number
 * would be valid, else ''. Refused rather than accepted (Ansible's sysctl module takes strings): in YAML the quotes
 * make it text, and one spelling per value keeps playbooks, reports and journals comparable (docs/playbook.md).
 */
export function unquoteHint(value: unknown, parse: ParseValue<unknown>): string {
  if (typeof value !== 'string' || !/^\s*-?\d+(?:\.\d+)?\s*$/.test(value)) return '';
  const number = Number(value);
  return parse(number) === undefined ? '' : ` (numbers are written without quotes: ${number})`;
}

/** A field that must be present and valid. */
export function requiredField<T>(expected: string, parse: ParseValue<T>): z.ZodType<T> {
  return z.unknown().transform((value, ctx) => {
    const parsed = value === undefined ? undefined : parse(value);
    if (parsed !== undefined) return parsed;
    ctx.addIssue({ code: 'custom', message: `${gotExpected(value, expected)}${unquoteHint(value, parse)}` });
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
        ? `unknown ${noun} "${String(issue.keys[0])}"${didYouMean(String(issue.keys[0]), Object.keys(shape))}; expected ${allowed}`
        : gotExpected(issue.input, keys ? `a mapping with ${noun}s: ${keys}` : `no ${noun}s (nothing or {})`),
  });
  return z.preprocess((value) => (value === null ? {} : value), mapping);
}
