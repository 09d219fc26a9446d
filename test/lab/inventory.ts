/** The Ansible inventory and known_hosts a lab writes: pure text. */
import { stringify } from 'yaml';

export interface InventoryHost {
  name: string;
  port: number;
  /** The `ssh-ed25519 AAAA…` part of the host's public key. */
  hostPublicKey: string;
}

export interface InventoryInput {
  hosts: InventoryHost[];
  privateKeyFile: string;
  knownHostsFile: string;
  groupName?: string;
}

export function renderInventory(input: InventoryInput): string {
  const hosts = Object.fromEntries(
    input.hosts.map((host) => [
      host.name,
      {
        ansible_host: '127.0.0.1',
        ansible_port: host.port,
        ansible_user: 'root',
        ansible_ssh_private_key_file: input.privateKeyFile,
        // Ansible and conntrack-fleet both read the lab's known_hosts from here.
        ansible_ssh_common_args: `-o UserKnownHostsFile=${input.knownHostsFile}`,
      },
    ]),
  );
  const header = '# conntrack-fleet lab hosts (test/lab): local namespaces, removed when the lab goes down.\n';
  return header + stringify({ all: { children: { [input.groupName ?? 'lab']: { hosts } } } });
}

export function renderKnownHosts(hosts: InventoryHost[]): string {
  return hosts.map((host) => `[127.0.0.1]:${host.port} ${host.hostPublicKey}\n`).join('');
}

/** `ssh-ed25519 AAAA… root@lab1` → `ssh-ed25519 AAAA…` */
export function keyWithoutComment(publicKeyLine: string): string {
  const [type, key] = publicKeyLine.trim().split(/\s+/);
  if (!type || !key) throw new Error(`not an OpenSSH public key: ${JSON.stringify(publicKeyLine)}`);
  return `${type} ${key}`;
}
