/**
 * `conntrack-fleet validate PLAYBOOK -i INVENTORY`: everything `run` checks before it contacts a host — the playbook
 * (steps, options, values), the inventory files (YAML/INI, group_vars/host_vars), the host pattern, --limit and
 * --shard, each host's connection variables — and then what the run would do: the hosts of each batch, the rollout
 * rules and each step in general terms. Offline: no connection is made, no ssh config or known_hosts is read.
 * Exit 0 when all is valid, 2 (FILE:LINE:COL on stderr) when not.
 */
import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { escapeControl } from '../config/escape.js';
import type { SourcePosition } from '../errors.js';
import { expandLimit, loadInventory, limitHosts, selectHosts, toHostTarget } from '../inventory/index.js';
import { parseShard, selectShard } from '../inventory/shard.js';
import { loadPlaybook } from '../playbook/index.js';
import { splitBatches } from '../runner/batches.js';
import { withOverrides } from './run-options.js';
import { describeRollout, describeStepInGeneral } from './validate-describe.js';

interface ValidateValues {
  inventory: string[];
  limit?: string;
  shard?: string;
  serial?: string;
  canary?: string;
  user?: string;
}

/** Hosts listed per batch line beyond this are counted, not named, so a 5000-host fleet stays readable. */
const namesPerBatch = 10;

function listHosts(names: string[]): string {
  const shown = names.slice(0, namesPerBatch).join(', ');
  return names.length > namesPerBatch ? `${shown}, … (${names.length - namesPerBatch} more)` : shown;
}

/** The report lines; throws InputError (exit 2) on the first invalid input, as `run` would. */
export function validateLines(playbookFile: string, values: ValidateValues): string[] {
  const playbook = withOverrides(loadPlaybook(playbookFile), values);
  const inventory = loadInventory(values.inventory);
  let hosts = selectHosts(inventory, playbook.hosts, playbook.hostsPosition);
  if (values.limit !== undefined) {
    const sources = new Map<string, SourcePosition>();
    hosts = limitHosts(hosts, inventory, expandLimit(values.limit, undefined, sources), sources);
  }
  if (values.shard !== undefined) hosts = selectShard(hosts, parseShard(values.shard));
  const user = values.user ?? userInfo().username;
  const targets = hosts.map((host) => toHostTarget(host, { user }));
  const batches = splitBatches(targets, playbook.serial);
  const lines = [
    `playbook ${playbookFile}${playbook.name ? ` (${playbook.name})` : ''}: valid, ${playbook.steps.length} step${playbook.steps.length === 1 ? '' : 's'}`,
    `inventory ${values.inventory.join(', ')}: valid; hosts: "${playbook.hosts}"${values.limit ? ` --limit ${values.limit}` : ''}${values.shard ? ` --shard ${values.shard}` : ''} → ${targets.length} host${targets.length === 1 ? '' : 's'}`,
  ];
  batches.forEach((batch, i) => {
    lines.push(
      `batch ${i + 1}/${batches.length} (${batch.length} host${batch.length === 1 ? '' : 's'}): ${listHosts(batch.map((t) => `${t.name}${t.become ? '' : ' (no become)'}`))}`,
    );
  });
  lines.push(...describeRollout(playbook, batches.length));
  playbook.steps.forEach((step, i) => {
    lines.push(`step ${i + 1} ${step.kind}${step.name ? ` "${step.name}"` : ''}: ${describeStepInGeneral(step)}`);
  });
  lines.push('nothing was contacted; `run --check --diff` reads the hosts and shows the exact changes');
  // names and files come from the playbook and the command line: shown escaped, as run shows them (escape.ts)
  return lines.map(escapeControl);
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a playbook and inventory offline (no connection) and show the batches and what each step would do.',
    )
    .argument('<playbook>', 'YAML playbook (see playbooks/tune.yaml)')
    .addOption(
      new Option('-i, --inventory <source>', 'Ansible inventory (repeatable), as for run')
        .makeOptionMandatory()
        .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]),
    )
    .option('-l, --limit <pattern>', 'Ansible host pattern to narrow the hosts, as for run')
    .option('--shard <I/N>', 'only slice I of N of the selected hosts, as for run')
    .option('--serial <sizes>', "override the playbook's batches, as for run")
    .option('--canary <n>', 'N hosts first, then the rest, as for run')
    .option('-u, --user <name>', 'remote user for hosts without ansible_user')
    .addHelpText(
      'after',
      '\nExit codes: 0 valid, 2 bad input (FILE:LINE:COL on stderr).\n\nExample:\n  conntrack-fleet validate playbooks/canary-tune.yaml -i inventories/example.yaml',
    )
    .action((playbookFile: string, values: ValidateValues) => {
      process.stdout.write(`${validateLines(playbookFile, values).join('\n')}\n`);
      process.exitCode = 0;
    });
}
