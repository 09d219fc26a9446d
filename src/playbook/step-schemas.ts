/** Option schemas of each step kind: defaults filled in, every failure saying what was expected. */
import { z } from 'zod';
import { gotExpected } from '../config/describe-value.js';
import { pointAtKey } from '../config/zod-input-error.js';
import { defaultedField, optionalField, requiredField, strictMapping, unquoteHint } from '../config/zod-fields.js';
import { didYouMean, nearestName } from '../config/did-you-mean.js';
import { knobIdOfName } from '../kernel/sysctl-keys.js';
import { knownTimeoutNames } from '../kernel/timeout-names.js';
import type { StepKind, StepSpec } from './types.js';
import {
  KERNEL_INT_MAX,
  SYSCTL_FILE_EXPECTED,
  parseSysctlFile,
  parseBool,
  parseHashsizeExpr,
  parseIntInRange,
  parseMaxValue,
  parseNumberInRange,
} from './values.js';

export const SYSCTL_CONF_FILE = '/etc/sysctl.conf';
export const SYSCTL_D_FILE = '/etc/sysctl.d/90-conntrack-fleet.conf';
/** Timeouts are seconds stored as jiffies in an int; with HZ up to 1000 larger values are rejected by the kernel. */
export const TIMEOUT_MAX_S = Math.floor(KERNEL_INT_MAX / 1000);

const PERCENT = 'a number 0-100';
const POSITIVE_INT = `an integer 1-${KERNEL_INT_MAX}`;
const BOOLEAN = 'true or false';

type OptionsOf<K extends StepKind> = Extract<StepSpec, { kind: K }>['options'];

const checkCount = strictMapping(
  {
    warn_above_percent: optionalField(PERCENT, parseNumberInRange(0, 100)),
    fail_above_percent: optionalField(PERCENT, parseNumberInRange(0, 100)),
  },
  'option',
)
  .superRefine(({ warn_above_percent: warn, fail_above_percent: fail }, ctx) => {
    if (warn === undefined || fail === undefined || warn <= fail) return;
    const message = `${warn} is above fail_above_percent ${fail}; expected warn_above_percent <= fail_above_percent`;
    ctx.addIssue({ code: 'custom', path: ['warn_above_percent'], message });
  })
  .transform((o) => dropUndefined(o));

const raiseMax = strictMapping(
  {
    value: requiredField(`${POSITIVE_INT} or "auto"`, parseMaxValue),
    per_cpu: defaultedField(POSITIVE_INT, parseIntInRange(1, KERNEL_INT_MAX), 32768),
    min: defaultedField(POSITIVE_INT, parseIntInRange(1, KERNEL_INT_MAX), 131072),
    allow_lower: defaultedField(BOOLEAN, parseBool, false),
    max_memory_percent: defaultedField('a number 1-100', parseNumberInRange(1, 100), 10),
  },
  'option',
);

const setHashsize = strictMapping(
  {
    value: defaultedField(`${POSITIVE_INT}, "max" or "max/N"`, parseHashsizeExpr, {
      kind: 'fraction-of-max',
      divisor: 4,
    }),
  },
  'option',
);

const parseSeconds = parseIntInRange(1, TIMEOUT_MAX_S);

const setTimeouts = z.unknown().transform((value, ctx): OptionsOf<'set_timeouts'> => {
  const example = 'e.g. tcp_timeout_established: 86400';
  const isMapping = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isMapping || Object.keys(value).length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${gotExpected(value, 'a mapping of at least one timeout name to seconds')}, ${example}`,
    });
    return z.NEVER;
  }
  const timeouts: Record<string, number> = {};
  for (const [key, seconds] of Object.entries(value)) {
    const name = key.replace(/^nf_conntrack_/, '');
    const problem = timeoutNameProblem(name, key, timeouts);
    if (problem) ctx.addIssue({ code: 'custom', path: [key], params: pointAtKey, message: problem });
    const parsed = parseSeconds(seconds);
    if (parsed !== undefined) timeouts[name] = parsed;
    else {
      const message = `${gotExpected(seconds, `an integer number of seconds 1-${TIMEOUT_MAX_S}`)}${unquoteHint(seconds, parseSeconds)}`;
      ctx.addIssue({ code: 'custom', path: [key], message });
    }
  }
  return { timeouts };
});

function timeoutNameProblem(name: string, key: string, seen: Record<string, number>): string | undefined {
  const prefix = key.slice(0, key.length - name.length);
  if (!/^[a-z0-9_]+$/.test(name) || !name.includes('timeout')) {
    const hint = didYouMean(
      key,
      knownTimeoutNames.map((known) => prefix + known),
    );
    return `"${key}" is not a conntrack timeout name${hint}; expected lowercase [a-z0-9_] containing "timeout", e.g. tcp_timeout_established`;
  }
  // a near miss of a name some kernel has is a typo; a name far from all of them may be a newer kernel's (the host decides)
  const near = knownTimeoutNames.includes(name) ? undefined : nearestName(name, knownTimeoutNames);
  if (near !== undefined)
    return `"${key}" is not a conntrack timeout name (did you mean "${prefix}${near}"?); expected a timeout the kernel has`;
  if (name in seen) return `"${key}" sets ${name} a second time; expected each timeout once`;
  return undefined;
}

const REMOVABLE =
  'a conntrack knob: max, hashsize, a timeout name (udp_timeout) or its sysctl name (net.netfilter.nf_conntrack_udp_timeout)';

/** `remove: [KEY, …]` → knob ids; each bad item is pointed at by its own FILE:LINE:COL. */
const persistRemove = z.unknown().transform((value, ctx): string[] => {
  if (!Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: gotExpected(value, `a list of ${REMOVABLE}`) });
    return z.NEVER;
  }
  const ids: string[] = [];
  value.forEach((item, index) => {
    const id = typeof item === 'string' ? knobIdOfName(item) : null;
    if (id === null) ctx.addIssue({ code: 'custom', path: [index], message: gotExpected(item, REMOVABLE) });
    else if (ids.includes(id))
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message: `"${String(item)}" names ${id} a second time; expected each knob once`,
      });
    else ids.push(id);
  });
  return ids;
});

const persist = strictMapping(
  {
    file: optionalField(SYSCTL_FILE_EXPECTED, parseSysctlFile),
    sysctl_d: defaultedField(BOOLEAN, parseBool, false),
    remove: persistRemove.default([]),
  },
  'option',
).transform(({ file, sysctl_d, remove }) => ({
  file: file ?? (sysctl_d ? SYSCTL_D_FILE : SYSCTL_CONF_FILE),
  sysctl_d,
  remove,
}));

const unloadNat = strictMapping({}, 'option').transform((): OptionsOf<'unload_nat'> => ({}));

export const STEP_SCHEMAS: { [K in StepKind]: z.ZodType<OptionsOf<K>> } = {
  check_count: checkCount,
  raise_max: raiseMax,
  set_hashsize: setHashsize,
  set_timeouts: setTimeouts,
  persist,
  unload_nat: unloadNat,
};

export const STEP_KINDS = Object.keys(STEP_SCHEMAS) as StepKind[];

export function isStepKind(name: string): name is StepKind {
  return (STEP_KINDS as string[]).includes(name);
}

function dropUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}
