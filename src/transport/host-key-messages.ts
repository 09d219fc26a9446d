/** What to tell the user when a host key is not trusted, or was trusted on first use (pure; only fingerprints). */
import type { HostTarget } from './connection.js';
import { knownHostsName } from './host-key.js';
import type { JumpHost } from './proxy-jump.js';
import type { ListedKey } from './known-hosts.js';
import { quoteShell } from './quote.js';

export interface PresentedKey {
  /** `route`: a host behind jump hosts cannot be keyscanned from here; the hints go through the jump (ssh -J). */
  target: Pick<HostTarget, 'name' | 'address' | 'port' | 'route'>;
  /** The user file keys are added to ('none' when UserKnownHostsFile is none). */
  knownHostsFile: string;
  /** The other files that were read too (further user files, global files). */
  otherKnownHostsFiles?: readonly string[];
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

function listed(keys: readonly ListedKey[], homeDir: string): string {
  return keys.map((e) => `${e.keyType} ${e.fingerprint} (${shellPath(e.file, homeDir)}:${e.line})`).join(', ');
}

/** `ops@bastion` / `ops@bastion:2222`, as `ssh -J` takes it (the hop's alias: its Host block applies again). */
function jumpArgument(hops: readonly JumpHost[]): string {
  return hops.map((h) => `${quoteShell(h.user)}@${quoteShell(h.name)}${h.port === 22 ? '' : `:${h.port}`}`).join(',');
}

/**
 * How to fetch the host's key: `ssh-keyscan -p PORT ADDRESS` from here; for a host behind jump hosts (which
 * ssh-keyscan cannot cross) the same ssh-keyscan run ON the last jump host, through the hops before it.
 */
function keyscanCommand(key: PresentedKey): string {
  const { address, port, route } = key.target;
  const keyscan = `ssh-keyscan -p ${port} ${quoteShell(address)}`;
  if (route?.kind !== 'jump' || route.hops.length === 0) return keyscan;
  const last = route.hops.at(-1) as JumpHost;
  const before = route.hops.slice(0, -1);
  const via = before.length > 0 ? `-J ${jumpArgument(before)} ` : '';
  return `ssh ${via}${last.port === 22 ? '' : `-p ${last.port} `}${quoteShell(last.user)}@${quoteShell(last.name)} ${keyscan}`;
}

/**
 * Behind jump hosts: the other way OpenSSH users know — connect once through the jump, compare the fingerprint,
 * let ssh add the key (to `file`, named when it is not ssh's default).
 */
function jumpConnectHint(key: PresentedKey, file: string): string {
  const { address, port, route } = key.target;
  if (route?.kind !== 'jump' || route.hops.length === 0) return '';
  const into = file === '~/.ssh/known_hosts' ? '' : ` -o UserKnownHostsFile=${file}`;
  const ssh = `ssh -J ${jumpArgument(route.hops)}${into} -p ${port} ${quoteShell(address)}`;
  return ` (it is behind jump host ${route.hops.map((h) => h.name).join(', ')}, so ssh-keyscan runs there; or connect once with ${ssh} and accept the key if it shows ${key.fingerprint})`;
}

export function describeUnknownHostKey(key: PresentedKey): string {
  const others = (key.otherKnownHostsFiles ?? []).map((f) => shellPath(f, key.homeDir));
  const keyscan = keyscanCommand(key);
  if (key.knownHostsFile === 'none') {
    // UserKnownHostsFile none: there is no user file to name, nor to add the key to
    const read = others.length > 0 ? others.join(', ') : 'no known_hosts file';
    return (
      `${hostLabel(key)}: host key not in ${read} (${key.keyType} ${key.fingerprint}; UserKnownHostsFile is none). ` +
      `Verify it out of band, then add it (${keyscan}) to one of those files; --accept-new-host-keys cannot add it without a user file.`
    );
  }
  const file = shellPath(key.knownHostsFile, key.homeDir);
  const where = others.length > 0 ? `${file} nor ${others.join(', ')}` : file;
  if (key.knownHostsFile === '/dev/null') {
    // Ansible's lab habit `-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no`: nothing can be kept there
    return (
      `${hostLabel(key)}: host key not in ${where} (${key.keyType} ${key.fingerprint}; UserKnownHostsFile is /dev/null, ` +
      'which keeps nothing, and StrictHostKeyChecking=no is not honoured: host keys are always checked). ' +
      `Verify it out of band, then add it (${keyscan}) to a known_hosts file that UserKnownHostsFile names instead of /dev/null; ` +
      '--accept-new-host-keys would trust it for this run only.'
    );
  }
  return (
    `${hostLabel(key)}: host key not in ${where} (${key.keyType} ${key.fingerprint}). ` +
    `Verify it out of band, then add it with ${keyscan} >> ${file}${jumpConnectHint(key, file)}, ` +
    'or rerun with --accept-new-host-keys to trust it on first use.'
  );
}

export function describeChangedHostKey(key: PresentedKey, expected: readonly ListedKey[]): string {
  const name = quoteShell(knownHostsName(key.target.address, key.target.port));
  const files = [...new Set(expected.map((e) => e.file))].map((f) => shellPath(f, key.homeDir));
  const removals = files.map((f) => `ssh-keygen -R ${name} -f ${f}`).join(' and ');
  return (
    `${hostLabel(key)}: WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! ` +
    `The host presented ${key.keyType} ${key.fingerprint}, but known_hosts lists ${listed(expected, key.homeDir)}. ` +
    'Someone could be eavesdropping (possible man-in-the-middle attack), or the host key was legitimately replaced. ' +
    'The connection is refused even with --accept-new-host-keys; if the change is legitimate remove the old entry with ' +
    `${removals}, verify the new key out of band and add it.`
  );
}

export function describeRevokedHostKey(key: PresentedKey, revokedBy: ListedKey): string {
  return (
    `${hostLabel(key)}: host key ${key.keyType} ${key.fingerprint} is marked @revoked in ` +
    `${shellPath(revokedBy.file, key.homeDir)}:${revokedBy.line}; the connection is refused. The host must be given a new host key.`
  );
}

/** ssh2 cannot negotiate host certificates, so a CA-vouched host can only be trusted by its pinned plain key. */
export function describeUnverifiableCertificate(key: PresentedKey, authorities: readonly ListedKey[]): string {
  const file = shellPath(key.knownHostsFile, key.homeDir);
  return (
    `${hostLabel(key)}: host keys for this host are vouched for by @cert-authority ${listed(authorities, key.homeDir)}, ` +
    `but host certificates cannot be verified (the SSH library offers no *-cert-v01@openssh.com host key algorithm), ` +
    `and its plain key ${key.keyType} ${key.fingerprint} is not pinned; the connection is refused, also with ` +
    `--accept-new-host-keys. Verify the key out of band, then add it with ${keyscanCommand(key)} >> ${file}.`
  );
}

/** One line per key trusted on first use, with the fingerprint as `ssh-keygen -l` prints it. */
export function describeAddedHostKey(key: PresentedKey, file: string): string {
  const name = knownHostsName(key.target.address, key.target.port);
  return `${key.target.name}: permanently added '${name}' (${key.keyType} ${key.fingerprint}) to ${shellPath(file, key.homeDir)}`;
}
