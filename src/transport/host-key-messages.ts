/** What to tell the user when a host key is not trusted (pure; no key material beyond fingerprints). */
import type { HostTarget } from './connection.js';
import { knownHostsName } from './host-key.js';
import type { ExpectedKey } from './known-hosts.js';
import { quoteShell } from './quote.js';

export interface PresentedKey {
  target: Pick<HostTarget, 'name' | 'address' | 'port'>;
  knownHostsFile: string;
  keyType: string;
  fingerprint: string;
  homeDir: string;
}

function hostLabel({ target }: PresentedKey): string {
  return `${target.name} (${target.address}:${target.port})`;
}

/** `~/…` when under the home directory, so the suggested commands stay short and copy-pasteable. */
function shellPath(path: string, homeDir: string): string {
  const home = homeDir.endsWith('/') ? homeDir : `${homeDir}/`;
  return path.startsWith(home) ? `~/${quoteShell(path.slice(home.length))}` : quoteShell(path);
}

export function describeUnknownHostKey(key: PresentedKey): string {
  const file = shellPath(key.knownHostsFile, key.homeDir);
  const { address, port } = key.target;
  return (
    `${hostLabel(key)}: host key not in ${file} (${key.keyType} ${key.fingerprint}). ` +
    `Verify it out of band, then add it with ssh-keyscan -p ${port} ${quoteShell(address)} >> ${file}, ` +
    'or rerun with --accept-new-host-keys to trust it on first use.'
  );
}

export function describeChangedHostKey(key: PresentedKey, expected: readonly ExpectedKey[]): string {
  const file = shellPath(key.knownHostsFile, key.homeDir);
  const listed = expected.map((e) => `${e.keyType} ${e.fingerprint} (${file}:${e.line})`).join(', ');
  const name = quoteShell(knownHostsName(key.target.address, key.target.port));
  return (
    `${hostLabel(key)}: WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! ` +
    `The host presented ${key.keyType} ${key.fingerprint}, but known_hosts lists ${listed}. ` +
    'Someone could be eavesdropping (possible man-in-the-middle attack), or the host key was legitimately replaced. ' +
    'The connection is refused even with --accept-new-host-keys; if the change is legitimate remove the old entry with ' +
    `ssh-keygen -R ${name} -f ${file}, verify the new key out of band and add it.`
  );
}

export function describeRevokedHostKey(key: PresentedKey): string {
  const file = shellPath(key.knownHostsFile, key.homeDir);
  return (
    `${hostLabel(key)}: host key ${key.keyType} ${key.fingerprint} is marked @revoked in ${file}; ` +
    'the connection is refused. The host must be given a new host key.'
  );
}
