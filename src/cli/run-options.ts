/** `run`'s option values and the rollout flags that override the playbook (--serial, --canary, --max-*-percent…). */
import { InputError } from '../errors.js';
import type { BatchSize, Playbook } from '../playbook/types.js';
import { type HostOptionValues, parseCount, type ReadOptionValues } from './options.js';

export interface RunValues extends HostOptionValues, Pick<ReadOptionValues, 'quiet'> {
  check?: boolean;
  diff?: boolean;
  report?: string;
  serial?: string;
  canary?: string;
  maxFailPercentage?: string;
  maxUnreachablePercent?: string;
  retryFile?: string;
  log?: string;
  listHosts?: boolean;
  syntaxCheck?: boolean;
  /** -v count (0 when not given). */
  verbose?: number;
}

/** Commander's counter: each -v adds one (`-vvv` = 3). */
export function countVerbose(_value: string, previous: number): number {
  return previous + 1;
}

export function parseSerial(text: string): BatchSize[] {
  return text.split(',').map((part) => {
    const item = part.trim();
    if (/^\d+$/.test(item) && Number(item) >= 1) return Number(item);
    const percent = /^(\d+)%$/.exec(item);
    if (percent && Number(percent[1]) >= 1 && Number(percent[1]) <= 100) return `${Number(percent[1])}%` as BatchSize;
    throw new InputError(
      `--serial: "${item}" is not a host count or a percentage (1%-100%); example: --serial 1,10%,100%`,
    );
  });
}

/** A percentage flag: a number from 0 to 100, else bad input. */
function parsePercent(text: string, flag: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!(value >= 0 && value <= 100)) throw new InputError(`${flag} must be a number from 0 to 100, got "${text}"`);
  return value;
}

/** CLI flags override the playbook's rollout settings. */
export function withOverrides(
  playbook: Playbook,
  values: Pick<RunValues, 'serial' | 'canary' | 'maxFailPercentage' | 'maxUnreachablePercent'>,
): Playbook {
  if (values.serial !== undefined && values.canary !== undefined)
    throw new InputError('give --serial or --canary, not both (--canary N is --serial N,100%)');
  let serial = playbook.serial;
  if (values.serial !== undefined) serial = parseSerial(values.serial);
  if (values.canary !== undefined) serial = [parseCount(values.canary, '--canary'), '100%'];
  const maxFail =
    values.maxFailPercentage === undefined
      ? playbook.max_fail_percentage
      : parsePercent(values.maxFailPercentage, '--max-fail-percentage');
  const result = { ...playbook, serial, max_fail_percentage: maxFail };
  if (values.maxUnreachablePercent !== undefined)
    result.max_unreachable_percent = parsePercent(values.maxUnreachablePercent, '--max-unreachable-percent');
  return result;
}
