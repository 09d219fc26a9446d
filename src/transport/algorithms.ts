/**
 * Key exchange and ciphers offered to every host, cheapest first. curve25519 and ECDH need one round trip and little
 * CPU; `diffie-hellman-group-exchange-*` costs an extra round trip and a large modular exponentiation on both sides,
 * so it is not offered (every OpenSSH since 6.5 speaks curve25519-sha256; ssh(1) `-Q kex`). Fixed DH groups 14/16 stay
 * as the fallback for old servers. AES-GCM (hardware AES) and chacha20-poly1305 need no separate MAC.
 */
import type { CipherAlgorithm, KexAlgorithm } from 'ssh2';

export const kexAlgorithms: KexAlgorithm[] = [
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group14-sha256',
  'diffie-hellman-group16-sha512',
];

export const cipherAlgorithms: CipherAlgorithm[] = [
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'chacha20-poly1305@openssh.com',
  'aes128-ctr',
  'aes256-ctr',
];
