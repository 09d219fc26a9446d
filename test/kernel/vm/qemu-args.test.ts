import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderInventory, renderKnownHosts } from './host-files.js';
import { buildQemuArgs } from './qemu-args.js';
import { parse } from 'yaml';

const plan = {
  accel: 'tcg' as const,
  kernelFile: '/c/vmlinuz',
  initrdFile: '/c/initrd.img',
  overlayFile: '/v/overlay.qcow2',
  consoleFile: '/v/console.log',
  sshPort: 40022,
  firewall: 'masquerade-legacy' as const,
  memoryMiB: 512,
};

describe('QEMU command line', () => {
  const args = buildQemuArgs(plan);
  const value = (flag: string): string | undefined => args[args.indexOf(flag) + 1];

  it('isolates the guest: restricted user networking with the one SSH forward on 127.0.0.1', () => {
    assert.equal(value('-netdev'), 'user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:40022-:22');
    assert.equal(args.filter((arg) => arg.includes('hostfwd')).length, 1);
    assert.ok(!args.some((arg) => arg.includes('guestfwd')));
  });

  it('lets a guest reboot (no -no-reboot), logs the serial console to a file, boots the overlay', () => {
    assert.ok(!args.includes('-no-reboot'));
    assert.equal(value('-serial'), 'file:/v/console.log');
    assert.equal(value('-drive'), 'file=/v/overlay.qcow2,if=virtio,format=qcow2');
    assert.equal(value('-m'), '512');
    assert.equal(value('-smp'), '1');
    assert.equal(value('-accel'), 'tcg,tb-size=128');
    assert.match(value('-append') ?? '', /console=ttyS0 .*ctf\.firewall=masquerade-legacy/);
  });
});

describe('VM host files', () => {
  it('writes a known_hosts line for [127.0.0.1]:PORT without the key comment', () => {
    assert.equal(renderKnownHosts(40022, 'ssh-ed25519 AAAAkey root@vm1\n'), '[127.0.0.1]:40022 ssh-ed25519 AAAAkey\n');
  });

  it('writes an Ansible inventory with one host vm1', () => {
    const text = renderInventory({
      hostName: 'vm1',
      sshPort: 40022,
      privateKeyFile: '/k/id ed25519',
      knownHostsFile: '/v/known "hosts"',
    });
    assert.deepEqual(parse(text), {
      all: {
        hosts: {
          vm1: {
            ansible_host: '127.0.0.1',
            ansible_port: 40022,
            ansible_user: 'root',
            ansible_ssh_private_key_file: '/k/id ed25519',
            ansible_ssh_common_args: '-o UserKnownHostsFile=/v/known "hosts"',
          },
        },
      },
    });
  });
});
