/**
 * `check` reads every known_hosts file ssh reads and decides as ssh does, on real sshd hosts, each decision
 * cross-checked against the real OpenSSH client given the same files (`ssh -o StrictHostKeyChecking=yes|accept-new
 * -o UserKnownHostsFile=… -o GlobalKnownHostsFile=…`): the field case (bare `127.0.0.1` entry for a non-22 port,
 * plain and hashed), a key only in the global file, a key pinned differently in the global file (changed, even with
 * --accept-new-host-keys, nothing written), a bare entry with a different key (unknown; accept-new writes the line ssh
 * writes), and a missing --known-hosts file (exit 2, nobody contacted). One deliberate difference, shown against ssh: a
 * host presenting a CA-signed certificate is accepted by ssh but refused here with the reason (ssh2 has no certificate
 * host key algorithms, so the certificate cannot be checked).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { labSkipReason } from '../lab/lab.js';
import { hostPathsFor, labPathsFor } from '../lab/layout.js';
import { sshArgs } from '../lab/ssh-run.js';
import { labHostVars } from './check-inventory.js';
import { byHost, checkJson, countContacts, onceEach, portOf, type HostKey } from './check-lab.js';
import { useKnownHostsLab } from './known-hosts-lab.js';
import { runCli } from './run-cli.js';

const portBase = 28760;

function sshExitCode(args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: 'ignore', timeout: 30_000 });
    child.once('error', reject);
    child.once('close', resolve);
  });
}

describe(
  'check: user and global known_hosts files, decided as OpenSSH decides',
  { skip: labSkipReason() ?? false },
  () => {
    const checkLab = useKnownHostsLab(['lab1', 'lab2'], portBase);
    const file = checkLab.file;
    let own: HostKey;
    let other: HostKey;
    let port = 0;

    before(() => {
      own = checkLab.keys.get('lab1') as HostKey;
      other = checkLab.keys.get('lab2') as HostKey;
      port = portOf(checkLab.lab, 'lab1');
    });

    /** `ssh-keygen -H` over a copy: the hashed form OpenSSH itself writes. */
    async function hashedFile(name: string, lines: string[]): Promise<string> {
      const hashed = await file(name, lines);
      await promisify(execFile)('ssh-keygen', ['-H', '-f', hashed]);
      const text = await readFile(hashed, 'utf8');
      assert.match(text, /^\|1\|/, 'ssh-keygen -H hashed the host names');
      return hashed;
    }

    /** `check -l lab1` with these files; what lab1's sshd saw; the user file's text afterwards. */
    async function ours(user: string, global: string, extra: string[] = []) {
      const answer = await checkLab.check(user, global, ['-l', 'lab1', ...extra]);
      const contacts = answer.contacts;
      const lab1 = answer.reported.get('lab1');
      return {
        exitCode: answer.result.exitCode,
        stderr: answer.result.stderr,
        reachable: lab1?.reachable,
        error: lab1?.error ?? '',
        contacts,
      };
    }

    /** The real OpenSSH client on COPIES of the files (accept-new may write); exit code and the user file afterwards. */
    async function openssh(user: string, global: string, strict: 'yes' | 'accept-new') {
      const userCopy = `${user}.ssh-copy`;
      await copyFile(user, userCopy);
      const args = sshArgs({ port, privateKeyFile: checkLab.lab.privateKeyFile, knownHostsFile: userCopy }, 'true').map(
        (arg) =>
          arg === 'GlobalKnownHostsFile=/dev/null'
            ? `GlobalKnownHostsFile=${global}`
            : arg === 'StrictHostKeyChecking=yes'
              ? `StrictHostKeyChecking=${strict}`
              : arg,
      );
      return { connected: (await sshExitCode(args)) === 0, userText: await readFile(userCopy, 'utf8') };
    }

    const portLine = (key: HostKey) => `[127.0.0.1]:${port} ${key.key}`;

    describe('accepted by both', () => {
      const cases: [string, () => Promise<[string, string]>][] = [
        [
          'field case: bare "127.0.0.1 key" entry for a non-22 port',
          async () => [await file('bare', [`127.0.0.1 ${own.key}`]), await file('empty-global', [])],
        ],
        [
          'field case, hashed with ssh-keygen -H',
          async () => [await hashedFile('bare-hashed', [`127.0.0.1 ${own.key}`]), await file('empty-global', [])],
        ],
        [
          'key only in the global file ([host]:port)',
          async () => [await file('empty-user', []), await file('global', [portLine(own)])],
        ],
        [
          'key only in the global file, bare entry',
          async () => [await file('empty-user', []), await file('global-bare', [`127.0.0.1 ${own.key}`])],
        ],
      ];
      for (const [label, files] of cases) {
        it(label, async () => {
          const [user, global] = await files();
          const before = await readFile(user, 'utf8');
          const result = await ours(user, global);
          assert.equal(result.exitCode, 0, `${result.error}\n${result.stderr}`);
          assert.equal(result.reachable, true, result.error);
          assert.deepEqual(result.contacts, onceEach(checkLab.lab, ['lab1']));
          assert.equal(await readFile(user, 'utf8'), before, 'nothing is written for a known host');
          assert.equal(
            (await openssh(user, global, 'yes')).connected,
            true,
            'ssh StrictHostKeyChecking=yes connects too',
          );
        });
      }
    });

    it('a key pinned differently in the global file is CHANGED: refused with --accept-new-host-keys, nothing written; ssh agrees', async () => {
      const user = await file('empty-user', []);
      const global = await file('global-other', [portLine(other)]);
      const result = await ours(user, global, ['--accept-new-host-keys']);
      assert.equal(result.exitCode, 1);
      assert.equal(result.reachable, false);
      assert.match(result.error, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
      assert.ok(result.error.includes(`${other.fingerprint} (${global}:1)`), result.error);
      assert.ok(result.error.includes(own.fingerprint), result.error);
      assert.deepEqual(result.contacts, { ...onceEach(checkLab.lab, []), lab1: { connections: 1, sessions: 0 } });
      assert.equal(await readFile(user, 'utf8'), '', 'the other key must never be written to the user file');
      assert.doesNotMatch(result.stderr, /permanently added/);
      for (const strict of ['yes', 'accept-new'] as const) {
        const ssh = await openssh(user, global, strict);
        assert.deepEqual([ssh.connected, ssh.userText], [false, ''], `ssh StrictHostKeyChecking=${strict}`);
      }
    });

    it('a bare entry with a DIFFERENT key is unknown, not changed: refused strictly, added with --accept-new-host-keys exactly as ssh accept-new adds it', async () => {
      const user = await file('bare-other', [`127.0.0.1 ${other.key}`]);
      const global = await file('empty-global', []);
      const strict = await ours(user, global);
      assert.equal(strict.exitCode, 1);
      assert.match(strict.error, /host key not in /);
      assert.equal((await openssh(user, global, 'yes')).connected, false, 'ssh StrictHostKeyChecking=yes refuses too');
      const ssh = await openssh(user, global, 'accept-new');
      assert.equal(ssh.connected, true, 'ssh accept-new connects');
      const accepted = await ours(user, global, ['--accept-new-host-keys']);
      assert.equal(accepted.exitCode, 0, accepted.error);
      assert.equal(await readFile(user, 'utf8'), ssh.userText, 'the same line ssh accept-new appends');
      assert.equal(ssh.userText, `127.0.0.1 ${other.key}\n${portLine(own)}\n`);
      const notice = `lab1: permanently added '[127.0.0.1]:${port}' (${own.key.split(' ')[0]} ${own.fingerprint}) to ${user}`;
      assert.ok(accepted.stderr.includes(notice), `stderr lacks "${notice}":\n${accepted.stderr}`);
    });

    it('GlobalKnownHostsFile given as -o in ansible_ssh_common_args is read', async () => {
      const user = await file('empty-user', []);
      const global = await file('global', [portLine(own)]);
      const vars = (await labHostVars(checkLab.lab)).lab1 ?? {};
      const inventory = path.join(checkLab.tmp, 'global-args.yaml');
      const args = `-o UserKnownHostsFile=${user} -o GlobalKnownHostsFile=${global}`;
      await writeFile(inventory, stringify({ all: { hosts: { lab1: { ...vars, ansible_ssh_common_args: args } } } }));
      const { result, hosts } = await checkJson(['-i', inventory]);
      assert.equal(result.exitCode, 0, result.stdout + result.stderr);
      assert.equal(byHost(hosts).get('lab1')?.reachable, true);
      // the same file as the user's instead: without the -o, the key is unknown (the machine's /etc/ssh is not asked)
      await writeFile(
        inventory,
        stringify({
          all: {
            hosts: {
              lab1: {
                ...vars,
                ansible_ssh_common_args: `-o UserKnownHostsFile=${user} -o GlobalKnownHostsFile=/dev/null`,
              },
            },
          },
        }),
      );
      const without = await checkJson(['-i', inventory]);
      assert.equal(without.result.exitCode, 1);
      assert.match(byHost(without.hosts).get('lab1')?.error ?? '', /host key not in /);
    });

    it('a host with a real CA-signed certificate: ssh connects through @cert-authority; check refuses, says why, writes nothing', async () => {
      // lab2's sshd also offers a host certificate signed by a CA made here; sshd -i rereads its config per connection
      const paths = hostPathsFor(labPathsFor(checkLab.lab.dir), 'lab2');
      const ca = path.join(checkLab.tmp, 'host_ca');
      const hostPub = path.join(checkLab.tmp, 'lab2_host_key.pub');
      await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'host-ca', '-f', ca]);
      await copyFile(paths.hostPublicKeyFile, hostPub);
      await promisify(execFile)('ssh-keygen', ['-q', '-s', ca, '-I', 'lab2', '-h', '-n', '127.0.0.1', hostPub]);
      const config = await readFile(paths.sshdConfigFile, 'utf8');
      await writeFile(paths.sshdConfigFile, `${config}HostCertificate ${checkLab.tmp}/lab2_host_key-cert.pub\n`);
      try {
        const caKey = (await readFile(`${ca}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
        const user = await file('ca-only', [`@cert-authority * ${caKey}`]);
        const global = await file('empty-global', []);
        const lab2Port = portOf(checkLab.lab, 'lab2');
        const args = sshArgs(
          { port: lab2Port, privateKeyFile: checkLab.lab.privateKeyFile, knownHostsFile: user },
          'true',
        ).map((arg) => (arg === 'GlobalKnownHostsFile=/dev/null' ? `GlobalKnownHostsFile=${global}` : arg));
        assert.equal(await sshExitCode(args), 0, 'OpenSSH verifies the certificate against the CA line');
        const { result, hosts } = await checkJson([
          '-i',
          checkLab.lab.inventoryFile,
          '-l',
          'lab2',
          '--known-hosts',
          user,
          '--global-known-hosts',
          global,
          '--accept-new-host-keys',
        ]);
        assert.equal(result.exitCode, 1);
        const error = byHost(hosts).get('lab2')?.error ?? '';
        assert.match(
          error,
          /@cert-authority ssh-ed25519 SHA256:\S+ \(.*ca-only:1\).*host certificates cannot be verified/,
        );
        assert.match(error, /refused, also with --accept-new-host-keys/);
        assert.equal(await readFile(user, 'utf8'), `@cert-authority * ${caKey}\n`, 'nothing trusted on first use');
      } finally {
        await writeFile(paths.sshdConfigFile, config);
      }
    });

    it('a --known-hosts or --global-known-hosts file that does not exist is exit 2 before any connection', async () => {
      const existing = await file('empty', []);
      for (const args of [
        ['--known-hosts', path.join(checkLab.tmp, 'no-such-file')],
        ['--known-hosts', existing, '--global-known-hosts', path.join(checkLab.tmp, 'no-such-global')],
      ]) {
        let result: Awaited<ReturnType<typeof runCli>> | undefined;
        const contacts = await countContacts(checkLab.lab, async () => {
          result = await runCli(['check', '-i', checkLab.lab.inventoryFile, '-o', 'json', ...args]);
        });
        assert.equal(result?.exitCode, 2, result?.stderr);
        assert.match(result?.stderr ?? '', /no-such-(file|global): no such file/);
        assert.deepEqual(contacts, onceEach(checkLab.lab, []));
      }
    });
  },
);
