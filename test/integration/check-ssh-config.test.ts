/** `check -F CONFIG` against lab hosts named only by ssh aliases: HostName/Port/User/IdentityFile/UserKnownHostsFile come from the config. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, labSkipReason, startLab } from '../lab/lab.js';
import { runCli } from './run-cli.js';

const portBase = 24500;

describe('check with an OpenSSH client config (-F)', { skip: labSkipReason() ?? false }, () => {
  let lab: Lab;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cf-sshcfg-'));
    lab = await startLab({ count: 2, dir: path.join(dir, 'lab'), portBase });
  });

  after(async () => {
    await lab?.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hosts known only by alias are reached through the config; inventory variables still win', async () => {
    const [first, second] = lab.hosts;
    assert.ok(first && second);
    const config = [
      'Host alpha beta',
      '  HostName 127.0.0.1',
      '  User root',
      `  IdentityFile ${lab.privateKeyFile}`,
      `  UserKnownHostsFile ${lab.knownHostsFile}`,
      'Host alpha',
      `  Port ${first.port}`,
      'Host beta',
      '  Port 1', // wrong on purpose: the inventory's ansible_port must win
      '',
    ].join('\n');
    const configFile = path.join(dir, 'ssh_config');
    writeFileSync(configFile, config);
    const inventory = path.join(dir, 'aliases.yaml');
    writeFileSync(inventory, `all:\n  hosts:\n    alpha:\n    beta:\n      ansible_port: ${second.port}\n`);
    const result = await runCli(['check', '-i', inventory, '-F', configFile, '-o', 'json']);
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    const hosts = JSON.parse(result.stdout) as { host: string; reachable: boolean; conntrack: { count: number } }[];
    const counts = await Promise.all(
      lab.hosts.map(async (h) =>
        Number((await lab.exec(h.name, 'cat /proc/sys/net/netfilter/nf_conntrack_count')).stdout),
      ),
    );
    assert.deepEqual(
      hosts.map((h) => [h.host, h.reachable, h.conntrack.count]),
      [
        ['alpha', true, counts[0]],
        ['beta', true, counts[1]],
      ],
    );
  });

  it('Include (relative to ~/.ssh, globbed) and Match host/originalhost are read as ssh reads them', async () => {
    const [first, second] = lab.hosts;
    assert.ok(first && second);
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true });
    // gamma is defined only in an included file; delta only by a Match block (as `ssh -G` shows)
    writeFileSync(
      path.join(home, '.ssh', 'conf.d', 'lab.conf'),
      `Host gamma\n  HostName 127.0.0.1\n  Port ${first.port}\n`,
    );
    const configFile = path.join(home, '.ssh', 'config');
    writeFileSync(
      configFile,
      [
        'Include conf.d/*.conf',
        'Match originalhost delta',
        '  HostName 127.0.0.1',
        'Match host 127.0.0.* !originalhost gamma',
        `  Port ${second.port}`,
        'Host *',
        '  User root',
        `  IdentityFile ${lab.privateKeyFile}`,
        `  UserKnownHostsFile ${lab.knownHostsFile}`,
        '',
      ].join('\n'),
    );
    const inventory = path.join(dir, 'included.yaml');
    writeFileSync(inventory, 'all:\n  hosts:\n    gamma:\n    delta:\n');
    const result = await runCli(['check', '-i', inventory, '-o', 'json'], { env: { HOME: home } });
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    assert.doesNotMatch(result.stderr, /not followed|not evaluated/);
    const hosts = JSON.parse(result.stdout) as { host: string; conntrack: { count: number } }[];
    const counts = await Promise.all(
      [first, second].map(async (h) =>
        Number((await lab.exec(h.name, 'cat /proc/sys/net/netfilter/nf_conntrack_count')).stdout),
      ),
    );
    assert.deepEqual(
      hosts.map((h) => [h.host, h.conntrack.count]),
      [
        ['gamma', counts[0]],
        ['delta', counts[1]],
      ],
    );
  });

  it('-F none ignores the config: without its UserKnownHostsFile the host key is unknown', async () => {
    const first = lab.hosts[0];
    assert.ok(first);
    // loopback only: the address and port come from the inventory, so nothing depends on name resolution
    const inventory = path.join(dir, 'loopback.yaml');
    writeFileSync(
      inventory,
      `all:\n  hosts:\n    alpha:\n      ansible_host: 127.0.0.1\n      ansible_port: ${first.port}\n      ansible_ssh_private_key_file: ${lab.privateKeyFile}\n`,
    );
    // ssh matches Host patterns against ansible_host when it is set
    const configFile = path.join(dir, 'ssh_config_loopback');
    writeFileSync(configFile, `Host 127.0.0.1\n  UserKnownHostsFile ${lab.knownHostsFile}\n`);
    const withConfig = await runCli(['check', '-i', inventory, '-F', configFile, '-o', 'json']);
    assert.equal(withConfig.exitCode, 0, withConfig.stderr + withConfig.stdout);
    const result = await runCli(['check', '-i', inventory, '-F', 'none', '-o', 'json'], { env: { HOME: dir } });
    assert.equal(result.exitCode, 1);
    const [host] = JSON.parse(result.stdout) as { host: string; reachable: boolean; error: string }[];
    assert.equal(host?.reachable, false);
    assert.match(host?.error ?? '', /not in .*known_hosts|SHA256:/);
  });
});
