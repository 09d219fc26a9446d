/**
 * `check` through bastions on real sshd hosts. lab2's sshd also answers on 127.0.0.1:HIDDEN inside lab1's
 * network namespace only (startInnerListener), so a host at 127.0.0.1:HIDDEN is reachable only with lab1 as
 * jump host. sshd logs every connection and session (check-lab.ts), which is how the tests see who was contacted.
 */
import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labSkipReason } from '../lab/lab.js';
import { startInnerListener } from '../lab/inner-listener.js';
import { createPortAllocator } from '../lab/ports.js';
import { byHost, checkJson, countContacts, exec, hostKey, portOf, startCheckLab, type CheckLab } from './check-lab.js';

const portBase = 27200;

describe('check through jump hosts (ProxyJump)', { skip: labSkipReason() ?? false }, () => {
  let checkLab: CheckLab;
  let hiddenPort = 0;
  let deadPort = 0;
  /** The lab's known_hosts plus lab2's key under [127.0.0.1]:HIDDEN. */
  let knownHosts = '';
  let lab2Count = 0;
  /** A HOME whose ~/.ssh has the lab key as id_ed25519 and the lab's known_hosts: what a hop without a Host block uses. */
  let home = '';
  const file = (name: string) => path.join(checkLab.tmp, name);

  before(async () => {
    checkLab = await startCheckLab(3, portBase);
    const ports = createPortAllocator(portBase + 50);
    hiddenPort = await ports.next();
    deadPort = await ports.next(); // free on this machine: nothing listens there
    await startInnerListener(checkLab.lab, { via: 'lab1', target: 'lab2', port: hiddenPort });
    const lab2 = await hostKey(checkLab.lab, 'lab2');
    knownHosts = file('known_hosts');
    await writeFile(
      knownHosts,
      `${await readFile(checkLab.lab.knownHostsFile, 'utf8')}[127.0.0.1]:${hiddenPort} ${lab2.key}\n`,
    );
    lab2Count = Number(await exec(checkLab.lab, 'lab2', 'cat /proc/sys/net/netfilter/nf_conntrack_count'));
    home = file('home');
    await mkdir(path.join(home, '.ssh'), { recursive: true });
    await copyFile(checkLab.lab.privateKeyFile, path.join(home, '.ssh', 'id_ed25519'));
    await chmod(path.join(home, '.ssh', 'id_ed25519'), 0o600);
    await copyFile(checkLab.lab.knownHostsFile, path.join(home, '.ssh', 'known_hosts'));
  });

  after(async () => {
    await checkLab?.down();
  });

  /** An ssh_config Host block for a lab address; `extra` lines go first, so they win. */
  const block = (alias: string, port: number, knownHostsFile: string, extra: string[] = []) => [
    `Host ${alias}`,
    ...extra.map((l) => `  ${l}`),
    '  HostName 127.0.0.1',
    `  Port ${port}`,
    '  User root',
    `  IdentityFile ${checkLab.lab.privateKeyFile}`,
    `  UserKnownHostsFile ${knownHostsFile}`,
  ];

  async function check(args: string[]) {
    let answer: Awaited<ReturnType<typeof checkJson>> | undefined;
    const contacts = await countContacts(checkLab.lab, async () => {
      answer = await checkJson(args);
    });
    if (!answer) throw new Error('check did not run');
    return { ...answer, reported: byHost(answer.hosts), contacts };
  }

  it('ProxyJump from the -F config: the host behind lab1 is read, lab1 only forwards (no session there)', async () => {
    const config = file('ssh_config_jump');
    await writeFile(
      config,
      [
        ...block('bastion', portOf(checkLab.lab, 'lab1'), knownHosts),
        ...block('hidden', hiddenPort, knownHosts, ['ProxyJump bastion']),
        '',
      ].join('\n'),
    );
    const inventory = file('hidden.yaml');
    await writeFile(inventory, 'all:\n  hosts:\n    hidden:\n');
    const { result, reported, contacts } = await check(['-i', inventory, '-F', config]);
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    assert.equal(reported.get('hidden')?.conntrack?.count, lab2Count, "the answer is lab2's");
    assert.deepEqual(contacts, {
      lab1: { connections: 1, sessions: 0 },
      lab2: { connections: 1, sessions: 1 },
      lab3: { connections: 0, sessions: 0 },
    });
  });

  it('-o ProxyJump= and -J from the inventory; two hosts behind one bastion share ONE connection to it', async () => {
    // no ssh config: the jump host gets OpenSSH's defaults, i.e. ~/.ssh/id_ed25519 and ~/.ssh/known_hosts of HOME
    const jump = `root@127.0.0.1:${portOf(checkLab.lab, 'lab1')}`;
    const host = (args: string) =>
      `      ansible_host: 127.0.0.1\n      ansible_port: ${hiddenPort}\n      ansible_user: root\n` +
      `      ansible_ssh_private_key_file: ${checkLab.lab.privateKeyFile}\n      ${args}\n`;
    const inventory = file('inline-jump.yaml');
    await writeFile(
      inventory,
      'all:\n  hosts:\n' +
        `    via_o:\n${host(`ansible_ssh_common_args: "-o UserKnownHostsFile=${knownHosts} -o ProxyJump=${jump}"`)}` +
        `    via_j:\n${host(`ansible_ssh_common_args: "-o UserKnownHostsFile=${knownHosts}"\n      ansible_ssh_extra_args: "-J ${jump}"`)}`,
    );
    const { result, reported, contacts } = await checkWithEnv(['-i', inventory, '-F', 'none'], { HOME: home });
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    assert.deepEqual(
      [reported.get('via_o')?.conntrack?.count, reported.get('via_j')?.conntrack?.count],
      [lab2Count, lab2Count],
    );
    assert.deepEqual(contacts, {
      lab1: { connections: 1, sessions: 0 },
      lab2: { connections: 2, sessions: 2 },
      lab3: { connections: 0, sessions: 0 },
    });
  });

  it('a dead bastion or a failing ProxyCommand makes the host unreachable; its direct listener sees no connection', async () => {
    const lab3 = portOf(checkLab.lab, 'lab3');
    const host = (args: string) =>
      `      ansible_host: 127.0.0.1\n      ansible_port: ${lab3}\n      ansible_user: root\n` +
      `      ansible_ssh_private_key_file: ${checkLab.lab.privateKeyFile}\n` +
      `      ansible_ssh_common_args: "-o UserKnownHostsFile=${knownHosts} ${args}"\n`;
    const inventory = file('dead-bastion.yaml');
    await writeFile(
      inventory,
      'all:\n  hosts:\n' +
        `    direct:\n${host('')}` + // the control: lab3 accepts a direct connection
        `    dead_bastion:\n${host(`-o ProxyJump=root@127.0.0.1:${deadPort}`)}` +
        `    dead_command:\n${host(`-o 'ProxyCommand=sh -c \\"echo bastion down >&2; exit 1\\"'`)}`,
    );
    const { result, reported, contacts } = await checkWithEnv(['-i', inventory, '-F', 'none'], { HOME: home });
    assert.equal(result.exitCode, 1, result.stderr + result.stdout);
    assert.equal(reported.get('direct')?.reachable, true, reported.get('direct')?.error ?? '');
    assert.equal(reported.get('dead_bastion')?.reachable, false);
    assert.match(
      reported.get('dead_bastion')?.error ?? '',
      new RegExp(`^dead_bastion: jump host 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1:${deadPort}\\): connection refused`),
    );
    assert.equal(reported.get('dead_command')?.reachable, false);
    assert.match(
      reported.get('dead_command')?.error ?? '',
      /^dead_command \(127\.0\.0\.1:\d+\): .*ProxyCommand \(-o ProxyCommand=.* in ansible_ssh_common_args\) said: bastion down$/,
    );
    // exactly the control's connection: neither proxied host went around its proxy
    assert.deepEqual(contacts, {
      lab1: { connections: 0, sessions: 0 },
      lab2: { connections: 0, sessions: 0 },
      lab3: { connections: 1, sessions: 1 },
    });
  });

  it('ProxyCommand (-F config and inventory) runs with %h %p expanded and reaches the host behind lab1', async () => {
    const lab1Pid = checkLab.lab.hosts.find((h) => h.name === 'lab1')?.holderPid;
    // a stand-in for `ssh -W %h:%p bastion`: a TCP stream opened from inside lab1's network namespace
    const command = `nsenter -t ${lab1Pid} -n socat STDIO TCP:%h:%p`;
    const config = file('ssh_config_command');
    await writeFile(config, [...block('hidden', hiddenPort, knownHosts, [`ProxyCommand ${command}`]), ''].join('\n'));
    const inventory = file('command.yaml');
    await writeFile(
      inventory,
      'all:\n  hosts:\n    hidden:\n    inline:\n      ansible_host: 127.0.0.1\n' +
        `      ansible_port: ${hiddenPort}\n      ansible_user: root\n      ansible_ssh_private_key_file: ${checkLab.lab.privateKeyFile}\n` +
        `      ansible_ssh_common_args: "-o UserKnownHostsFile=${knownHosts} -o 'ProxyCommand=${command}'"\n`,
    );
    const { result, reported, contacts } = await check(['-i', inventory, '-F', config]);
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    assert.deepEqual(
      [reported.get('hidden')?.conntrack?.count, reported.get('inline')?.conntrack?.count],
      [lab2Count, lab2Count],
    );
    assert.deepEqual(contacts, {
      lab1: { connections: 0, sessions: 0 },
      lab2: { connections: 2, sessions: 2 },
      lab3: { connections: 0, sessions: 0 },
    });
  });

  it('a jump host whose key is unknown or changed is refused; the target behind it is never contacted', async () => {
    const lab1 = portOf(checkLab.lab, 'lab1');
    const lab3Key = (await hostKey(checkLab.lab, 'lab3')).key;
    const withoutLab1 = (await readFile(knownHosts, 'utf8'))
      .split('\n')
      .filter((l) => !l.startsWith(`[127.0.0.1]:${lab1} `));
    const unknown = file('kh_without_lab1');
    await writeFile(unknown, withoutLab1.join('\n'));
    const changed = file('kh_lab1_changed');
    await writeFile(changed, [...withoutLab1, `[127.0.0.1]:${lab1} ${lab3Key}`, ''].join('\n'));
    const inventory = file('hidden.yaml');
    await writeFile(inventory, 'all:\n  hosts:\n    hidden:\n');
    const cases: [string, string[], RegExp][] = [
      [unknown, [], /^hidden: jump host bastion \(127\.0\.0\.1:\d+\): host key not in /],
      [
        changed,
        ['--accept-new-host-keys'],
        /^hidden: jump host bastion \(127\.0\.0\.1:\d+\): WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!/,
      ],
    ];
    for (const [bastionKnownHosts, flags, message] of cases) {
      const config = file('ssh_config_bad_jump');
      // the jump host's OWN block decides its known_hosts; the target's (correct) file does not apply to it
      await writeFile(
        config,
        [
          ...block('bastion', lab1, bastionKnownHosts),
          ...block('hidden', hiddenPort, knownHosts, ['ProxyJump bastion']),
          '',
        ].join('\n'),
      );
      const { result, reported, contacts } = await check(['-i', inventory, '-F', config, ...flags]);
      assert.equal(result.exitCode, 1, result.stderr + result.stdout);
      assert.match(reported.get('hidden')?.error ?? '', message);
      assert.deepEqual(contacts.lab2, { connections: 0, sessions: 0 }, 'nothing reached the target');
      assert.deepEqual(contacts.lab1?.sessions, 0);
    }
  });

  async function checkWithEnv(args: string[], env: Record<string, string>) {
    const { runCli } = await import('./run-cli.js');
    let result: Awaited<ReturnType<typeof runCli>> | undefined;
    const contacts = await countContacts(checkLab.lab, async () => {
      result = await runCli(['check', '-o', 'json', ...args], { env, timeoutMs: 60_000 });
    });
    if (!result) throw new Error('check did not run');
    const hosts = JSON.parse(result.stdout) as Parameters<typeof byHost>[0];
    return { result, reported: byHost(hosts), contacts };
  }
});
