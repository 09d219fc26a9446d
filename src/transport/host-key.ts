/** Pure helpers for raw SSH public key blobs (RFC 4253 wire format). */
import { createHash } from 'node:crypto';

/** The key type a blob declares in its first string, e.g. `ssh-ed25519`; null if the blob is malformed. */
export function readKeyType(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return null;
  const type = blob.toString('latin1', 4, 4 + length);
  return /^[\x21-\x7e]+$/.test(type) ? type : null;
}

/** The fingerprint exactly as `ssh-keygen -lf` prints it: `SHA256:` + unpadded base64. */
export function fingerprintSha256(blob: Buffer): string {
  const digest = createHash('sha256').update(blob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** The host string OpenSSH looks up and hashes: bare for port 22, else `[host]:port`. */
export function knownHostsName(address: string, port: number): string {
  const host = address.toLowerCase();
  return port === 22 ? host : `[${host}]:${port}`;
}

/** One known_hosts line for a host key, as `ssh-keyscan` would write it (unhashed). */
export function formatKnownHostsLine(address: string, port: number, blob: Buffer): string {
  const keyType = readKeyType(blob) ?? 'unknown';
  return `${knownHostsName(address, port)} ${keyType} ${blob.toString('base64')}`;
}
