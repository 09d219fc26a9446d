/**
 * `conntrack-fleet advise`: per host a recommended nf_conntrack_max, hash table size and timeouts, with one line of
 * reasoning per factor (src/advise, docs/sizing.md). Read-only on the hosts: one connection and one round trip each
 * (runner/advise-hosts.ts).
 */
import type { Command } from 'commander';
import { buildAdvicePlaybook } from '../advise/advice-playbook.js';
import { type AdviseOptions, defaultAdviseOptions } from '../advise/advise-host.js';
import { defaultPeakMaxAgeDays } from '../advise/peak-demand.js';
import { InputError } from '../errors.js';
import { renderAdviceJson, renderAdviceText } from '../report/advise-render.js';
import { writeTextFileAtomic } from '../report/atomic-file.js';
import { adviseHosts } from '../runner/advise-hosts.js';
import { exitCodes } from '../runner/outcome.js';
import { selectTargets } from './hosts.js';
import { addReadOptions, inventoryFlags, type ReadOptionValues } from './options.js';
import { formatListHosts } from './run-habits.js';

type AdviseOptionValues = ReadOptionValues & {
  headroom: string;
  memoryPercent: string;
  peakMaxAgeDays: string;
  writePlaybook?: string;
};

function parseNumber(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new InputError(`${flag} must be a number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

export async function runAdvise(values: AdviseOptionValues): Promise<number> {
  const selection = selectTargets(values);
  const options: AdviseOptions = {
    headroom: parseNumber(values.headroom, '--headroom', 1, 100),
    memoryPercent: parseNumber(values.memoryPercent, '--memory-percent', 0.1, 100),
    peakMaxAgeDays: parseNumber(values.peakMaxAgeDays, '--peak-max-age-days', 0, 3650),
  };
  if (values.listHosts) {
    process.stdout.write(formatListHosts(null, 'all', [selection.targets.map((t) => t.name)]));
    return exitCodes.ok;
  }
  const results = await adviseHosts({
    targets: selection.targets,
    forks: selection.forks,
    open: (target) => selection.connect(target, selection.connectOptions),
    advise: options,
    // advise changes nothing: an interrupt ends the process as usual (no handler), so no host is "not started"
    isInterrupted: () => false,
  });
  process.stdout.write(
    selection.format === 'json'
      ? renderAdviceJson(results)
      : renderAdviceText(results, selection.color, { quiet: values.quiet === true }),
  );
  if (values.writePlaybook) {
    const advised = results.flatMap((r) => (r.advice ? [{ host: r.host, advice: r.advice }] : []));
    const text = buildAdvicePlaybook(advised, { inventory: inventoryFlags(values), ...options, writtenAt: new Date() });
    if (text === null)
      process.stderr.write(`conntrack-fleet: no host has advice: ${values.writePlaybook} not written\n`);
    else await writeTextFileAtomic(values.writePlaybook, text);
  }
  const complete = results.every((r) => r.advice !== null && r.advice.refusal === null);
  return complete ? exitCodes.ok : exitCodes.hostFailed;
}

export function registerAdvise(program: Command): void {
  const command = program
    .command('advise')
    .description(
      'Recommend nf_conntrack_max, hash table size and timeouts per host, with the reasoning; changes nothing on the hosts.',
    )
    .option('--headroom <factor>', 'multiply the highest count seen by this', String(defaultAdviseOptions.headroom))
    .option(
      '--memory-percent <n>',
      'largest share of RAM a full table may take; more is refused',
      String(defaultAdviseOptions.memoryPercent),
    )
    .option(
      '--peak-max-age-days <n>',
      'a peak kept by check/watch older than this is shown, not used',
      String(defaultPeakMaxAgeDays),
    )
    .option(
      '--write-playbook <file>',
      'write a playbook applying the advice (per-host values via per_host:), for `run`',
    )
    .addHelpText(
      'after',
      '\nFactors (docs/sizing.md): demand (the higher of the count now and the peak check/watch kept, × headroom),\n' +
        "kube-proxy's floor (32768 × CPUs, min 131072) when kube-proxy or NAT rules run, memory (slabinfo bytes per\n" +
        'entry + 8 per bucket, capped), kernel (buckets = max from 5.15, max/4 before), timeouts (from a bounded sample\n' +
        'of /proc/net/nf_conntrack).\n' +
        'Exit codes: 0 every host advised, 1 a host unreachable or refused (memory), 2 bad input.\n' +
        '\nExample:\n  conntrack-fleet advise -i inventories/prod.yaml --headroom 2 --write-playbook advice.yaml',
    );
  addReadOptions(command).action(async (values: AdviseOptionValues) => {
    process.exitCode = await runAdvise(values);
  });
}
