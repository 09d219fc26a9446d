import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { keyWithoutComment, renderInventory, renderKnownHosts } from './inventory.js';

const hosts = [
  { name: 'lab1', port: 22220, hostPublicKey: 'ssh-ed25519 AAAAone' },
  { name: 'lab2', port: 22223, hostPublicKey: 'ssh-ed25519 AAAAtwo' },
];

describe('lab inventory', () => {
  it('renders all → children → lab → hosts with absolute key and known_hosts paths', () => {
    const text = renderInventory({
      hosts,
      privateKeyFile: '/w/.lab/id_ed25519',
      knownHostsFile: '/w/inventories/lab.known_hosts',
    });
    assert.deepEqual(parse(text), {
      all: {
        children: {
          lab: {
            hosts: Object.fromEntries(
              hosts.map((h) => [
                h.name,
                {
                  ansible_host: '127.0.0.1',
                  ansible_port: h.port,
                  ansible_user: 'root',
                  ansible_ssh_private_key_file: '/w/.lab/id_ed25519',
                  ansible_ssh_common_args: '-o UserKnownHostsFile=/w/inventories/lab.known_hosts',
                },
              ]),
            ),
          },
        },
      },
    });
  });

  it('renders one [127.0.0.1]:PORT line per host', () => {
    assert.equal(
      renderKnownHosts(hosts),
      '[127.0.0.1]:22220 ssh-ed25519 AAAAone\n[127.0.0.1]:22223 ssh-ed25519 AAAAtwo\n',
    );
  });

  const keyCases: [string, string | null][] = [
    ['ssh-ed25519 AAAAkey root@lab1\n', 'ssh-ed25519 AAAAkey'],
    ['ssh-ed25519 AAAAkey', 'ssh-ed25519 AAAAkey'],
    ['garbage', null],
  ];
  for (const [line, expected] of keyCases) {
    it(`strips the comment of ${JSON.stringify(line)}`, () => {
      if (expected === null) assert.throws(() => keyWithoutComment(line), /not an OpenSSH public key/);
      else assert.equal(keyWithoutComment(line), expected);
    });
  }
});
