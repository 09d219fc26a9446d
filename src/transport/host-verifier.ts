/** Plugs known_hosts checking into the ssh2 handshake and remembers why a key was refused. */
import type { HostVerifier, ServerHostKeyAlgorithm } from 'ssh2';
import { ConnectError, errorMessage } from '../errors.js';
import type { HostTarget } from './connection.js';
import { fingerprintSha256, readKeyType } from './host-key.js';
import {
  describeAddedHostKey,
  describeChangedHostKey,
  describeRevokedHostKey,
  describeUnknownHostKey,
  describeUnverifiableCertificate,
  type PresentedKey,
} from './host-key-messages.js';
import { acceptHostKey, type KnownHostsFiles } from './known-hosts-file.js';
import { verifyHostKey, type HostKeyVerdict, type KnownHostsEntry } from './known-hosts.js';

export interface HostKeyPolicy {
  /** `route`: only to word the hints for a host behind jump hosts. */
  target: Pick<HostTarget, 'name' | 'address' | 'port' | 'route'>;
  /** Every file read; keys trusted on first use go to `files.user[0]`. */
  files: KnownHostsFiles;
  /** The entries of all `files`, user files first. */
  entries: readonly KnownHostsEntry[];
  acceptNewHostKeys: boolean;
  homeDir: string;
  /** Told about each key added on first use (display only). */
  onHostKeyAdded?: (notice: string) => void;
}

export interface HostKeyCheck {
  verifier: HostVerifier;
  /** Set once the verifier refused the key; ssh2 itself only reports "Host denied". */
  refusal(): ConnectError | null;
}

// ssh2's own default order; types the host is already known by move to the front, as OpenSSH does
const defaultHostKeyAlgorithms: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Host key algorithms to offer, preferring those whose key type is in known_hosts for this host. */
export function orderHostKeyAlgorithms(knownKeyTypes: readonly string[]): ServerHostKeyAlgorithm[] {
  const isKnown = (algorithm: ServerHostKeyAlgorithm) =>
    knownKeyTypes.includes(algorithm) || (algorithm.startsWith('rsa-sha2-') && knownKeyTypes.includes('ssh-rsa'));
  const preferred = defaultHostKeyAlgorithms.filter(isKnown);
  return [...preferred, ...defaultHostKeyAlgorithms.filter((a) => !isKnown(a))];
}

export function createHostKeyCheck(policy: HostKeyPolicy): HostKeyCheck {
  let refused: ConnectError | null = null;
  const verifier: HostVerifier = (keyBlob, verify) => {
    decideHostKey(policy, keyBlob).then(
      (error) => {
        refused = error;
        verify(error === null);
      },
      (error: unknown) => {
        const message = `${policy.target.name}: could not update ${policy.files.user[0] ?? 'known_hosts'}: ${errorMessage(error)}`;
        refused = new ConnectError('host-key-unknown', message, { cause: error });
        verify(false);
      },
    );
  };
  return { verifier, refusal: () => refused };
}

/** null when the key is trusted (possibly just now, on first use), else the error to report. */
async function decideHostKey(policy: HostKeyPolicy, keyBlob: Buffer): Promise<ConnectError | null> {
  const { target, files } = policy;
  const keyType = readKeyType(keyBlob) ?? 'unknown';
  const [userFile = 'none', ...otherUserFiles] = files.user;
  const presented: PresentedKey = {
    target,
    knownHostsFile: userFile,
    otherKnownHostsFiles: [...otherUserFiles, ...files.global],
    keyType,
    fingerprint: fingerprintSha256(keyBlob),
    homeDir: policy.homeDir,
  };
  let verdict: HostKeyVerdict = verifyHostKey(policy.entries, target.address, target.port, keyType, keyBlob);
  if (verdict.status === 'unknown' && policy.acceptNewHostKeys) {
    const accepted = await acceptHostKey(files, target.address, target.port, keyBlob);
    verdict = accepted.verdict;
    if (accepted.added) policy.onHostKeyAdded?.(describeAddedHostKey(presented, accepted.added.file));
  }
  switch (verdict.status) {
    case 'match':
      return null;
    case 'unknown':
      return new ConnectError('host-key-unknown', describeUnknownHostKey(presented));
    case 'changed':
      return new ConnectError('host-key-changed', describeChangedHostKey(presented, verdict.expected));
    case 'revoked':
      return new ConnectError('host-key-revoked', describeRevokedHostKey(presented, verdict.revokedBy));
    case 'certificate-unverifiable':
      return new ConnectError('host-key-unknown', describeUnverifiableCertificate(presented, verdict.authorities));
  }
}
