/**
 * The controller's known_hosts work at fleet size, no lab: one known_hosts file listing every host (as a fleet's
 * global /etc/ssh/ssh_known_hosts does), and per host what a connect does with it: the key types to offer
 * (knownKeyTypes) and the verdict on the key the host shows (verifyHostKey). Prints CPU ms per fleet.
 *   tsx test/bench/known-hosts.bench.ts [HOSTS ...]   default: 100 1000
 */
import { generateKeyPairSync } from 'node:crypto';
import { knownKeyTypes, parseKnownHosts, verifyHostKey } from '../../src/transport/known-hosts.js';

/** An ssh-ed25519 public key blob (RFC 8709): string "ssh-ed25519", string key. */
function ed25519Blob(): Buffer {
  const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const raw = der.subarray(der.length - 32);
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
}

for (const hosts of (process.argv.length > 2 ? process.argv.slice(2) : ['100', '1000']).map(Number)) {
  const blobs = Array.from({ length: hosts }, ed25519Blob);
  const text = blobs.map((b, i) => `[10.0.${i >> 8}.${i & 255}]:2222 ssh-ed25519 ${b.toString('base64')}\n`).join('');
  const started = process.cpuUsage();
  const entries = parseKnownHosts(text, 'known_hosts');
  for (let i = 0; i < hosts; i++) {
    const host = `10.0.${i >> 8}.${i & 255}`;
    knownKeyTypes(entries, host, 2222);
    const verdict = verifyHostKey(entries, host, 2222, 'ssh-ed25519', blobs[i] ?? Buffer.alloc(0));
    if (verdict.status !== 'match') throw new Error(`${host}: ${verdict.status}`);
  }
  const used = process.cpuUsage(started);
  console.log(`${hosts} hosts, ${entries.length} entries: ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`);
}
