/** Ansible habits of `run` and `check` that need no connection: --list-hosts, --syntax-check, and -v's secret list. */
import { passphraseEnvVar } from '../transport/passphrase.js';
import { becomePasswordEnvVar, becomePasswordVars } from '../transport/become-password.js';
import type { HostTarget } from '../transport/connection.js';

function hostList(hosts: string[], indent: string): string[] {
  return [`${indent}hosts (${hosts.length}):`, ...hosts.map((h) => `${indent}  ${h}`)];
}

/**
 * `--list-hosts`, shaped like `ansible-playbook --list-hosts` (`playbook: FILE`, then `hosts (N):` with one host a
 * line), one host list per batch so a rollout's order is visible. playbook null: `check`, which has no playbook.
 */
export function formatListHosts(playbook: string | null, pattern: string, batches: string[][]): string {
  if (playbook === null) return `${['', ...hostList(batches.flat(), '  ')].join('\n')}\n`;
  const total = batches.reduce((sum, b) => sum + b.length, 0);
  const lines = [
    '',
    `playbook: ${playbook}`,
    '',
    `  run (${pattern}): ${total} ${total === 1 ? 'host' : 'hosts'} in ${batches.length} ${batches.length === 1 ? 'batch' : 'batches'}`,
  ];
  batches.forEach((hosts, index) =>
    lines.push(`    batch ${index + 1}/${batches.length}:`, ...hostList(hosts, '      ')),
  );
  return `${lines.join('\n')}\n`;
}

/** `--syntax-check` passed: Ansible prints the playbook's name and exits 0 (errors are FILE:LINE:COL, exit 2). */
export function formatSyntaxOk(playbook: string): string {
  return `\nplaybook: ${playbook}\n`;
}

/** Secret vars of the inventory: passwords (become, ssh) never printed by -v. */
const secretVars = [
  ...becomePasswordVars,
  'ansible_password',
  'ansible_ssh_pass',
  'ansible_ssh_password',
  'ansible_become_password',
];

/**
 * Every secret -v must redact that is known before the run: the env vars and inventory password vars. A password
 * asked for by -K is known only once sudo asks: `withSecretCapture` adds it then.
 */
export function knownSecrets(targets: HostTarget[], env: NodeJS.ProcessEnv): Set<string> {
  const secrets = new Set<string>();
  for (const name of [becomePasswordEnvVar, passphraseEnvVar]) if (env[name]) secrets.add(env[name]);
  for (const target of targets) {
    for (const name of secretVars) if (typeof target.vars[name] === 'string') secrets.add(target.vars[name]);
  }
  return secrets;
}

/** Targets whose become password, when asked for, also lands in `secrets` (for the -v redactor). */
export function withSecretCapture(targets: HostTarget[], secrets: Set<string>): HostTarget[] {
  return targets.map((target) => {
    const password = target.becomePassword;
    if (!password) return target;
    return { ...target, becomePassword: () => password().then((value) => (secrets.add(value), value)) };
  });
}
