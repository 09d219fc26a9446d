/**
 * A private key file named in the inventory must exist before any host is contacted. OpenSSH only warns
 * ("no such identity") and tries other keys, which turns a typo into an "auth" failure on every host of the
 * fleet, found one connection at a time; here it is bad input at the line that names the file.
 */
import { statSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { HostTarget } from '../transport/connection.js';
import type { InventoryHost } from './types.js';
import { varPosition } from './var-positions.js';

const KEY_VARS = ['ansible_private_key_file', 'ansible_ssh_private_key_file'];

/** Throws an InputError at the variable that set a missing (or non-regular) key file. I/O: one stat per distinct file. */
export function requireKeyFiles(hosts: readonly InventoryHost[], targets: readonly HostTarget[]): void {
  const checked = new Set<string>();
  targets.forEach((target, index) => {
    const file = target.privateKeyFile;
    if (!file || checked.has(file)) return;
    checked.add(file);
    const problem = statProblem(file);
    if (!problem) return;
    const host = hosts[index];
    const name = host
      ? [...KEY_VARS].reverse().find((key) => host.vars[key] !== undefined && host.vars[key] !== null)
      : undefined;
    const position = host && name ? varPosition(host, name) : undefined;
    const label = name
      ? `host ${JSON.stringify(target.name)}: ${name}`
      : `host ${JSON.stringify(target.name)}: private key file`;
    throw new InputError(
      `${label}: ${JSON.stringify(file)} ${problem}; expected a readable private key file`,
      position,
    );
  });
}

function statProblem(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? undefined : 'is not a regular file';
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(cause)})`;
  }
}
