/** Pure: the known_hosts line and the Ansible inventory that point at one VM. */

export function renderKnownHosts(sshPort: number, hostPublicKey: string): string {
  const [type, key] = hostPublicKey.trim().split(/\s+/);
  return `[127.0.0.1]:${sshPort} ${type} ${key}\n`;
}

export interface InventoryPlan {
  hostName: string;
  sshPort: number;
  privateKeyFile: string;
  knownHostsFile: string;
}

/** YAML with JSON-quoted strings (valid YAML), so paths need no escaping rules of their own. */
export function renderInventory(plan: InventoryPlan): string {
  const q = (text: string): string => JSON.stringify(text);
  return [
    'all:',
    '  hosts:',
    `    ${plan.hostName}:`,
    '      ansible_host: 127.0.0.1',
    `      ansible_port: ${plan.sshPort}`,
    '      ansible_user: root',
    `      ansible_ssh_private_key_file: ${q(plan.privateKeyFile)}`,
    `      ansible_ssh_common_args: ${q(`-o UserKnownHostsFile=${plan.knownHostsFile}`)}`,
    '',
  ].join('\n');
}
