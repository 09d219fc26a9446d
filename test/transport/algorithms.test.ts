import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { cipherAlgorithms, kexAlgorithms } from '../../src/transport/algorithms.js';

const constants = createRequire(import.meta.url)('ssh2/lib/protocol/constants.js') as {
  SUPPORTED_KEX: string[];
  SUPPORTED_CIPHER: string[];
};

test('key exchange: curve25519 first, no DH group exchange, every name known to ssh2', () => {
  assert.match(kexAlgorithms[0] ?? '', /^curve25519-sha256/);
  assert.deepEqual(
    kexAlgorithms.filter((k) => k.includes('group-exchange')),
    [],
  );
  for (const kex of kexAlgorithms) assert.ok(constants.SUPPORTED_KEX.includes(kex), kex);
});

test('ciphers: AEAD (AES-GCM, chacha20-poly1305) first, every name known to ssh2, no CBC', () => {
  assert.deepEqual(cipherAlgorithms.slice(0, 3), [
    'aes128-gcm@openssh.com',
    'aes256-gcm@openssh.com',
    'chacha20-poly1305@openssh.com',
  ]);
  assert.deepEqual(
    cipherAlgorithms.filter((c) => c.endsWith('-cbc')),
    [],
  );
  for (const cipher of cipherAlgorithms) assert.ok(constants.SUPPORTED_CIPHER.includes(cipher), cipher);
});
