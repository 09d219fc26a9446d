/**
 * Integration: what our ssh2 client and a real OpenSSH sshd agree on (issue #10: the cheapest common algorithms), read
 * from the sshd's own debug log, and that every algorithm we offer is one the installed OpenSSH server accepts by
 * default (`sshd -T` with an empty config prints its defaults; sshd_config(5) KexAlgorithms, Ciphers). Needs root, sshd.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { cipherAlgorithms, kexAlgorithms } from '../../src/transport/algorithms.js';
import { sshdPath, sshdSkipReason } from './sshd-helper.js';
import { startTestHost, type TestHost } from './ssh-test-host.js';

/** `sshd -T` lines are `keyword value,value,…`. */
function sshdDefaults(): Map<string, string[]> {
  const text = execFileSync(sshdPath, ['-T', '-f', '/dev/null'], { encoding: 'utf8' });
  return new Map(
    text
      .split('\n')
      .map((line) => line.split(' '))
      .map(([keyword = '', value = '']) => [keyword, value.split(',')]),
  );
}

describe('key exchange against a real OpenSSH sshd', { skip: sshdSkipReason() }, () => {
  let host: TestHost;
  before(async () => (host = await startTestHost({ logLevel: 'DEBUG1' })));
  after(() => host.stop());

  test('curve25519-sha256, the ed25519 host key and AES-GCM (MAC implicit, no compression) are chosen', async () => {
    const connection = await host.connect();
    try {
      assert.equal((await connection.runScript('echo ok')).stdout, 'ok\n');
    } finally {
      await connection.close();
    }
    const log = host.sshd.log();
    assert.match(log, /kex: algorithm: curve25519-sha256\b/, log);
    assert.match(log, /kex: host key algorithm: ssh-ed25519\b/);
    assert.match(log, /kex: client->server cipher: aes128-gcm@openssh\.com MAC: <implicit> compression: none/);
    assert.match(log, /kex: server->client cipher: aes128-gcm@openssh\.com MAC: <implicit> compression: none/);
  });

  test("every key exchange and cipher we offer is in the installed OpenSSH server's defaults", () => {
    const defaults = sshdDefaults();
    const refused = (offered: readonly string[], keyword: string) =>
      offered.filter((name) => !(defaults.get(keyword) ?? []).includes(name));
    assert.deepEqual(refused(kexAlgorithms, 'kexalgorithms'), []);
    assert.deepEqual(refused(cipherAlgorithms, 'ciphers'), []);
  });
});
