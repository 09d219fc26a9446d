/** OpenSSH known_hosts: parse the text and decide whether a presented host key is trusted (pure). */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fingerprintSha256, knownHostsName, readKeyType } from './host-key.js';
import { candidateEntries } from './known-hosts-index.js';
import { matchHostPatternList } from './openssh-pattern.js';

export type HostSelector = { kind: 'patterns'; patterns: string[] } | { kind: 'hashed'; salt: Buffer; hash: Buffer };

export interface KnownHostsEntry {
  /** The file the line came from ('' when parsed from bare text), for messages pointing at it. */
  file: string;
  /** 1-based line number, for messages pointing at the offending line. */
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  hosts: HostSelector;
  keyType: string;
  keyBlob: Buffer;
}

/** A listed key, as messages show it: type, `SHA256:…` fingerprint and where it is written. */
export interface ListedKey {
  keyType: string;
  fingerprint: string;
  file: string;
  line: number;
}

export type HostKeyVerdict =
  | { status: 'match' }
  | { status: 'unknown' }
  | { status: 'changed'; expected: ListedKey[] }
  | { status: 'revoked'; revokedBy: ListedKey }
  /** Not pinned, but a @cert-authority line covers the host: only a certificate could vouch for it. */
  | { status: 'certificate-unverifiable'; authorities: ListedKey[] };

const markers = { '@revoked': 'revoked', '@cert-authority': 'cert-authority' } as const;

/** Parses known_hosts text; lines OpenSSH would not understand are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string, file = ''): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const entry = parseLine(raw, file, index + 1);
    if (entry) entries.push(entry);
  });
  return entries;
}

function parseLine(raw: string, file: string, line: number): KnownHostsEntry | null {
  const fields = raw.trim().split(/[ \t]+/);
  if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return null;
  let marker: KnownHostsEntry['marker'] = null;
  if (fields[0].startsWith('@')) {
    const known = markers[fields[0] as keyof typeof markers];
    if (!known) return null;
    marker = known;
    fields.shift();
  }
  const [hostField, keyType, keyBase64] = fields;
  if (!hostField || !keyType || !keyBase64) return null;
  const hosts = parseHostSelector(hostField);
  const keyBlob = Buffer.from(keyBase64, 'base64');
  if (!hosts || readKeyType(keyBlob) !== keyType) return null;
  return { file, line, marker, hosts, keyType, keyBlob };
}

function parseHostSelector(field: string): HostSelector | null {
  if (!field.startsWith('|')) return { kind: 'patterns', patterns: field.split(',') };
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || !salt || !hash) return null;
  return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** Whether the entry's host field covers `name` (already in `[host]:port` form when needed). */
export function selectorMatches(hosts: HostSelector, name: string): boolean {
  if (hosts.kind === 'patterns') return matchHostPatternList(name, hosts.patterns);
  const digest = createHmac('sha1', hosts.salt).update(name).digest();
  return digest.length === hosts.hash.length && timingSafeEqual(digest, hosts.hash);
}

/** Entries that apply to host:port; @cert-authority lines never take part in plain key matching. */
export function entriesForHost(entries: readonly KnownHostsEntry[], host: string, port: number): KnownHostsEntry[] {
  return entriesForName(entries, knownHostsName(host, port));
}

function entriesForName(entries: readonly KnownHostsEntry[], name: string): KnownHostsEntry[] {
  return candidateEntries(entries, name).filter((e) => e.marker !== 'cert-authority' && selectorMatches(e.hosts, name));
}

/**
 * Key types already trusted for the host, so the handshake can prefer them (as OpenSSH's order_hostkeyalgs does).
 * On a non-22 port with no `[host]:port` entry the bare host's types are used, so that the key the bare-host
 * fallback of verifyHostKey can match is the one negotiated (OpenSSH looks at `[host]:port` only here).
 */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], host: string, port: number): string[] {
  const trustedTypes = (name: string) =>
    entriesForName(entries, name)
      .filter((e) => e.marker === null)
      .map((e) => e.keyType);
  let types = trustedTypes(knownHostsName(host, port));
  if (types.length === 0 && port !== 22) types = trustedTypes(knownHostsName(host, 22));
  return [...new Set(types)];
}

export function listedKey(entry: KnownHostsEntry): ListedKey {
  return { keyType: entry.keyType, fingerprint: fingerprintSha256(entry.keyBlob), file: entry.file, line: entry.line };
}

/**
 * OpenSSH's decision for a plain (non-certificate) host key, over the entries of ALL user and global
 * files together (sshconnect.c check_host_key loads user_hostfiles then system_hostfiles into one set;
 * hostfile.c check_hostkeys_by_key_or_type decides):
 *  1. Entries for `[host]:port` (the bare host on port 22): the key @revoked → revoked; an equal plain
 *     entry → match; any other plain entry, of ANY type → changed (so a downgrade to an unlisted type is refused).
 *  2. No entry at all and port ≠ 22: the same lookup for the bare host (sshconnect.c, HOST_NEW: "checking
 *     without port identifier"); only an equal key counts ("found matching key w/out port"). A DIFFERENT key
 *     under the bare name is NOT "changed": that recursive check_host_key runs ROQUIET, where HOST_CHANGED is a
 *     plain `goto fail`, and the outer check carries on as HOST_NEW (StrictHostKeyChecking=yes: "No … host key is
 *     known"; accept-new adds a `[host]:port` line). So it is unknown here too.
 *     Deliberately stricter: a key @revoked under the bare name is refused as revoked (OpenSSH prints the
 *     revocation warning, then treats the host as new).
 *  3. Still unknown while a @cert-authority line covers `[host]:port` or the bare host: OpenSSH would negotiate a
 *     host certificate and check it against the CA; ssh2 offers no `*-cert-v01@openssh.com` algorithm, so no
 *     certificate can arrive or be checked → certificate-unverifiable (refused, never trusted on first use).
 */
export function verifyHostKey(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
  keyType: string,
  keyBlob: Buffer,
): HostKeyVerdict {
  let verdict = lookupName(entries, knownHostsName(host, port), keyType, keyBlob);
  if (verdict.status === 'unknown' && port !== 22) {
    const bare = lookupName(entries, knownHostsName(host, 22), keyType, keyBlob);
    if (bare.status === 'match' || bare.status === 'revoked') verdict = bare;
  }
  if (verdict.status !== 'unknown') return verdict;
  const names = [knownHostsName(host, port), knownHostsName(host, 22)];
  const authorities = entries.filter(
    (e) => e.marker === 'cert-authority' && names.some((n) => selectorMatches(e.hosts, n)),
  );
  return authorities.length > 0
    ? { status: 'certificate-unverifiable', authorities: authorities.map(listedKey) }
    : verdict;
}

function lookupName(
  entries: readonly KnownHostsEntry[],
  name: string,
  keyType: string,
  keyBlob: Buffer,
): HostKeyVerdict {
  const forName = entriesForName(entries, name);
  const sameKey = (e: KnownHostsEntry) => e.keyType === keyType && e.keyBlob.equals(keyBlob);
  const revoked = forName.find((e) => e.marker === 'revoked' && sameKey(e));
  if (revoked) return { status: 'revoked', revokedBy: listedKey(revoked) };
  const trusted = forName.filter((e) => e.marker === null);
  if (trusted.some(sameKey)) return { status: 'match' };
  if (trusted.length === 0) return { status: 'unknown' };
  return { status: 'changed', expected: trusted.map(listedKey) };
}
