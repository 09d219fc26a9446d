import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { describeMissing, requiredTools, type RequiredTool } from './prerequisites.js';

const tool = (command: string): RequiredTool => {
  const found = requiredTools.find((t) => t.command === command);
  assert.ok(found, command);
  return found;
};

describe('lab prerequisites', () => {
  const cases: { name: string; missing: string[]; isRoot: boolean; expected: string | null }[] = [
    { name: 'nothing missing', missing: [], isRoot: true, expected: null },
    {
      name: 'not root',
      missing: [],
      isRoot: false,
      expected: 'the lab needs root (namespaces and mounts): run it as root',
    },
    {
      name: 'one tool',
      missing: ['socat'],
      isRoot: true,
      expected: 'missing command: socat — install with: apt-get install -y socat',
    },
    {
      name: 'tools of one package named once',
      missing: ['sshd', 'ssh-keygen', 'ssh', 'nsenter'],
      isRoot: true,
      expected:
        'missing commands: sshd, ssh-keygen, ssh, nsenter — install with: apt-get install -y openssh-server openssh-client util-linux',
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(describeMissing(c.missing.map(tool), c.isRoot), c.expected));
  }

  it('needs exactly the packages of .ci/lab-packages.txt', () => {
    const text = readFileSync(new URL('../../.ci/lab-packages.txt', import.meta.url), 'utf8');
    const listed = text
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter(Boolean);
    assert.deepEqual([...new Set(requiredTools.map((t) => t.debianPackage))].sort(), [...listed].sort());
  });
});
