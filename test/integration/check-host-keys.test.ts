/**
 * `check` and known_hosts on real sshd hosts: an unknown key is refused (that host alone), trusted on first use with
 * --accept-new-host-keys and matched afterwards; a CHANGED key is refused even with --accept-new-host-keys.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import { labSkipReason } from '../lab/lab.js';
import { runSshTo } from '../lab/ssh-run.js';
import { onceEach, portOf } from './check-lab.js';
import { useKnownHostsLab } from './known-hosts-lab.js';

const skipReason = labSkipReason();
const portBase = 24100;
const hostNames = ['lab1', 'lab2', 'lab3'];

describe('check: host keys against known_hosts', { skip: skipReason ?? false }, () => {
  const checkLab = useKnownHostsLab(hostNames, portBase);
  const keys = checkLab.keys;
  const knownHostsLine = (host: string, key = keys.get(host)?.key): string =>
    `[127.0.0.1]:${portOf(checkLab.lab, host)} ${key}`;

  /** check with `knownHosts` and no global file (the machine's /etc/ssh/ssh_known_hosts must not take part). */
  const check = (knownHosts: string, extra: string[] = []) => checkLab.check(knownHosts, '/dev/null', extra);

  function assertAnswered(
    reported: Map<string, { reachable: boolean; error: string | null; conntrack: unknown }>,
    hosts: string[],
  ): void {
    for (const host of hosts) {
      const json = reported.get(host);
      assert.equal(json?.reachable, true, `${host}: ${json?.error}`);
      assert.equal(json?.error, null);
      assert.notEqual(json?.conntrack, null, `${host} has no conntrack facts`);
    }
  }

  describe('unknown key, then trust on first use', () => {
    let knownHosts = '';
    before(async () => {
      knownHosts = await checkLab.file('without-lab2.known_hosts', [knownHostsLine('lab1'), knownHostsLine('lab3')]);
    });

    it('refuses lab2 with its name, address:port and SHA256 fingerprint, exit 1; lab1 and lab3 are still reported', async () => {
      const before = await readFile(knownHosts, 'utf8');
      const { result, reported, contacts } = await check(knownHosts);
      assert.equal(result.exitCode, 1, result.stderr);
      const lab2 = reported.get('lab2');
      assert.equal(lab2?.reachable, false);
      assert.equal(lab2?.conntrack, null);
      const error = lab2?.error ?? '';
      assert.ok(error.includes(`lab2 (127.0.0.1:${portOf(checkLab.lab, 'lab2')})`), error);
      assert.ok(
        error.includes(keys.get('lab2')?.fingerprint ?? '?'),
        `${error} lacks ${keys.get('lab2')?.fingerprint}`,
      );
      assert.match(error, /not in .*known_hosts/);
      assertAnswered(reported, ['lab1', 'lab3']);
      // lab2's sshd saw the TCP connection but never ran a command: the refusal happened during the handshake
      assert.deepEqual(contacts, {
        ...onceEach(checkLab.lab, ['lab1', 'lab3']),
        lab2: { connections: 1, sessions: 0 },
      });
      assert.equal(await readFile(knownHosts, 'utf8'), before, 'known_hosts must not change without the flag');
    });

    it("--accept-new-host-keys appends exactly lab2's real key, and real OpenSSH accepts the file strictly", async () => {
      const before = await readFile(knownHosts, 'utf8');
      const { result, reported } = await check(knownHosts, ['--accept-new-host-keys']);
      assert.equal(result.exitCode, 0, result.stderr);
      assertAnswered(reported, hostNames);
      const after = await readFile(knownHosts, 'utf8');
      assert.equal(after, `${before}${knownHostsLine('lab2')}\n`);
      const ssh = await runSshTo(
        { port: portOf(checkLab.lab, 'lab2'), privateKeyFile: checkLab.lab.privateKeyFile, knownHostsFile: knownHosts },
        'true',
      );
      assert.equal(ssh.exitCode, 0, ssh.stderr);
    });

    it('the next check, without the flag, matches the appended key and leaves the file alone', async () => {
      const before = await readFile(knownHosts, 'utf8');
      const { result, reported, contacts } = await check(knownHosts);
      assert.equal(result.exitCode, 0, result.stderr);
      assertAnswered(reported, hostNames);
      assert.deepEqual(contacts, onceEach(checkLab.lab, hostNames));
      assert.equal(await readFile(knownHosts, 'utf8'), before);
    });
  });

  it("a CHANGED key (lab1's key listed for lab3's address) is refused even with --accept-new-host-keys", async () => {
    const knownHosts = await checkLab.file('changed-lab3.known_hosts', [
      knownHostsLine('lab1'),
      knownHostsLine('lab2'),
      knownHostsLine('lab3', keys.get('lab1')?.key),
    ]);
    const before = await readFile(knownHosts, 'utf8');
    const { result, reported, contacts } = await check(knownHosts, ['--accept-new-host-keys']);
    assert.equal(result.exitCode, 1, result.stderr);
    const lab3 = reported.get('lab3');
    assert.equal(lab3?.reachable, false);
    const error = lab3?.error ?? '';
    assert.match(error, /CHANGED/);
    assert.ok(error.includes(`lab3 (127.0.0.1:${portOf(checkLab.lab, 'lab3')})`), error);
    assert.ok(error.includes(keys.get('lab3')?.fingerprint ?? '?'), `${error} lacks the presented key's fingerprint`);
    assert.ok(error.includes(keys.get('lab1')?.fingerprint ?? '?'), `${error} lacks the listed key's fingerprint`);
    assertAnswered(reported, ['lab1', 'lab2']);
    assert.deepEqual(contacts, { ...onceEach(checkLab.lab, ['lab1', 'lab2']), lab3: { connections: 1, sessions: 0 } });
    assert.equal(await readFile(knownHosts, 'utf8'), before, 'a changed key must never be appended or replaced');
  });
});
