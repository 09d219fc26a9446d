/** Picks the output format and whether to color it, from flags, the stream and the environment. */
import { InputError } from '../errors.js';

export type ReportFormat = 'tree' | 'plain' | 'json';

const formats: readonly ReportFormat[] = ['tree', 'plain', 'json'];

/** Default: the live tree on a terminal, greppable lines everywhere else (cron, CI, pipes). */
export function chooseFormat(requested: string | undefined, isTTY: boolean): ReportFormat {
  if (requested === undefined || requested === '') return isTTY ? 'tree' : 'plain';
  const normalized = requested.trim().toLowerCase();
  if ((formats as readonly string[]).includes(normalized)) return normalized as ReportFormat;
  throw new InputError(`unknown output format "${requested}" (expected one of: ${formats.join(', ')})`);
}

/**
 * NO_COLOR (any non-empty value, https://no-color.org) always wins; FORCE_COLOR forces color on
 * unless it is "0" or "false"; otherwise color only on a terminal that is not TERM=dumb.
 */
export function useColor(isTTY: boolean, env: Record<string, string | undefined>): boolean {
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTTY && env['TERM'] !== 'dumb';
}
