/** OpenSSH known_hosts: parse the text and decide whether a presented host key is trusted (pure). */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fingerprintSha256, knownHostsName, readKeyType } from './host-key.js';
import { matchHostPatternList } from './host-pattern.js';

export type HostSelector =
  | { kind: 'patterns'; patterns: string[] }
  | { kind: 'hashed'; salt: Buffer; hash: Buffer };

export interface KnownHostsEntry {
  /** 1-based line number, for messages pointing at the offending line. */
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  hosts: HostSelector;
  keyType: string;
  keyBlob: Buffer;
}

export interface ExpectedKey {
  keyType: string;
  fingerprint: string;
  line: number;
}

export type HostKeyVerdict =
  | { status: 'match' }
  | { status: 'unknown' }
  | { status: 'changed'; expected: ExpectedKey[] }
  | { status: 'revoked' };

const markers = { '@revoked': 'revoked', '@cert-authority': 'cert-authority' } as const;

/** Parses known_hosts text; lines OpenSSH would not understand are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const entry = parseLine(raw, index + 1);
    if (entry) entries.push(entry);
  });
  return entries;
}

function parseLine(raw: string, line: number): KnownHostsEntry | null {
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
  return { line, marker, hosts, keyType, keyBlob };
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
  const name = knownHostsName(host, port);
  return entries.filter((e) => e.marker !== 'cert-authority' && selectorMatches(e.hosts, name));
}

/** Key types already trusted for the host, so the handshake can prefer them (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], host: string, port: number): string[] {
  const types = entriesForHost(entries, host, port)
    .filter((e) => e.marker === null)
    .map((e) => e.keyType);
  return [...new Set(types)];
}

/**
 * Strict: any trusted entry for the host that differs from the presented key means "changed",
 * even when only other key types are listed, so a downgrade to an unlisted type is refused too.
 */
export function verifyHostKey(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
  keyType: string,
  keyBlob: Buffer,
): HostKeyVerdict {
  const forHost = entriesForHost(entries, host, port);
  const sameKey = (e: KnownHostsEntry) => e.keyType === keyType && e.keyBlob.equals(keyBlob);
  if (forHost.some((e) => e.marker === 'revoked' && sameKey(e))) return { status: 'revoked' };
  const trusted = forHost.filter((e) => e.marker === null);
  if (trusted.some(sameKey)) return { status: 'match' };
  if (trusted.length === 0) return { status: 'unknown' };
  const expected = trusted.map((e) => ({ keyType: e.keyType, fingerprint: fingerprintSha256(e.keyBlob), line: e.line }));
  return { status: 'changed', expected };
}
