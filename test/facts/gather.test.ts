import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RemoteError } from '../../src/errors.js';
import { gatherFacts } from '../../src/facts/gather.js';
import { notRootProblem } from '../../src/facts/gather-output.js';
import { gatherFixture } from './gather-fixture.js';
import { localConnection } from './local-connection.js';
import { createNetns, hasCommand, isRoot, runOrThrow } from './local-shell.js';

const binary = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('no newline at the end'),
]);
let dir = '';
let netns: { name: string; remove: () => void } | null = null;
const paths = { text: '', binary: '', odd: '', secret: '', absent: '' };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cf-facts-'));
  chmodSync(dir, 0o755);
  paths.text = join(dir, 'sysctl.conf');
  paths.binary = join(dir, 'binary.bin');
  paths.odd = join(dir, "it's $(touch pwned) `x` ;");
  paths.secret = join(dir, 'secret');
  paths.absent = join(dir, 'absent.conf');
  writeFileSync(paths.text, 'net.netfilter.nf_conntrack_max = 262144\n');
  writeFileSync(paths.binary, binary, { mode: 0o640 });
  chmodSync(paths.binary, 0o640);
  writeFileSync(paths.odd, '');
  writeFileSync(paths.secret, 'root only\n');
  chmodSync(paths.secret, 0o600);
  if (isRoot()) {
    chownSync(paths.binary, 1234, 5678);
    netns = createNetns('gather');
    if (hasCommand('iptables'))
      runOrThrow(['ip', 'netns', 'exec', netns.name, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-j', 'MASQUERADE']);
  }
});

after(() => {
  netns?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const request = () => ({ files: [paths.text, paths.binary, paths.odd, paths.absent] });

const shells = [
  ['sh', '-s'],
  ['bash', '-s'],
  ['busybox', 'sh', '-s'],
];

for (const shell of shells) {
  test(`real run as root in a fresh netns under ${shell.join(' ')}`, async (t) => {
    if (!isRoot() || !netns) return t.skip('needs root to create a network namespace');
    if (!hasCommand(shell[0] ?? '')) return t.skip(`${shell[0]} is not installed`);
    const connection = localConnection(['ip', 'netns', 'exec', netns.name, ...shell]);
    const facts = await gatherFacts(connection, request());
    assert.equal(connection.scripts.length, 1, 'one round trip');
    assert.equal(facts.kernel, release());
    assert.equal(facts.isRoot, true);
    assert.ok(!facts.problems.includes(notRootProblem));
    assert.notEqual(facts.conntrack, 'absent');
    if (!hasCommand('lsmod') || facts.modules.length === 0) assert.equal(facts.conntrack, 'builtin');
    assert.equal(facts.timeouts['tcp_timeout_established'], 432000);
    assert.ok(facts.cpus >= 1 && facts.memTotalBytes !== null && facts.memTotalBytes > 0);
    assert.ok(facts.max !== null && facts.max > 0 && facts.count !== null);
    assert.equal(facts.knobs.maxAlias.value, null, 'net.nf_conntrack_max exists only in the initial netns');
    assert.equal(facts.knobs.max.writable, false, 'nf_conntrack_max is read-only outside the initial netns');
    assert.equal(facts.kubeProxy, false);
    assert.ok(facts.stats && 'drop' in facts.stats.all);
    assert.deepEqual(facts.files[paths.text], {
      contentBase64: Buffer.from('net.netfilter.nf_conntrack_max = 262144\n').toString('base64'),
      mode: 0o644,
      uid: 0,
      gid: 0,
    });
    const copy = facts.files[paths.binary];
    assert.ok(copy && Buffer.from(copy.contentBase64, 'base64').equals(binary), 'binary bytes survive');
    assert.deepEqual([copy.mode, copy.uid, copy.gid], [0o640, 1234, 5678]);
    assert.equal(facts.files[paths.odd]?.contentBase64, '');
    assert.equal(facts.files[paths.absent], null);
    if (hasCommand('iptables')) {
      assert.equal(facts.natRulesInUse, true);
      assert.ok(
        facts.natRuleEvidence.includes('iptables-save: -t nat -A POSTROUTING -j MASQUERADE'),
        facts.natRuleEvidence.join('\n'),
      );
    }
  });
}

test('real run as an unprivileged user: reads what it can, says what it cannot', async (t) => {
  if (!isRoot() || !netns) return t.skip('needs root to switch user');
  if (!hasCommand('setpriv')) return t.skip('setpriv is not installed');
  const drop = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
  const connection = localConnection(['ip', 'netns', 'exec', netns.name, ...drop, 'sh', '-s']);
  const facts = await gatherFacts(connection, { files: [paths.text, paths.secret, paths.absent] });
  assert.equal(connection.scripts.length, 1);
  assert.equal(facts.isRoot, false);
  assert.ok(facts.problems.includes(notRootProblem));
  assert.equal(facts.kernel, release());
  assert.equal(facts.timeouts['tcp_timeout_established'], 432000);
  assert.equal(facts.knobs.hashsize.value, null, 'hashsize is mode 0600');
  assert.ok(facts.files[paths.text]);
  assert.ok(!(paths.secret in facts.files), 'an unreadable file is unknown, never "absent"');
  assert.ok(facts.problems.some((p) => p.startsWith(`${paths.secret} cannot be read`)));
  assert.equal(facts.files[paths.absent], null);
  if (hasCommand('iptables-save'))
    assert.ok(
      facts.problems.some((p) => p.startsWith('iptables-save failed')),
      facts.problems.join('\n'),
    );
});

test('exactly ONE runScript call, with a fake connection running the script locally', async () => {
  const connection = localConnection(['sh', '-s']);
  const facts = await gatherFacts(connection, { files: ['/nonexistent/cf-facts'] });
  assert.equal(connection.scripts.length, 1);
  assert.equal(facts.kernel, release());
  assert.equal(facts.files['/nonexistent/cf-facts'], null);
});

// a canned reply's records are in the token of the script it answers
type Fixture = ReturnType<typeof gatherFixture>;
const failures = [
  {
    name: 'non-zero exit',
    result: {
      stdout: () => [],
      stderr: 'sh: 1: syntax error',
      exitCode: 2,
      signal: null,
      timedOut: false,
      durationMs: 0,
    },
    message: /exit 2\): syntax error$/,
  },
  {
    name: 'sudo wants a password',
    result: {
      stdout: () => [],
      stderr: 'sudo: a password is required\n',
      exitCode: 1,
      signal: null,
      timedOut: false,
      durationMs: 0,
    },
    message: /\(exit 1\): sudo: a password is required$/,
  },
  {
    name: 'killed by the timeout',
    result: {
      stdout: (g: Fixture) => [g.value('kernel', 'x')],
      stderr: 'partial',
      exitCode: null,
      signal: null,
      timedOut: false,
      durationMs: 0,
    },
    message: /timeout/,
  },
  {
    name: 'sections missing',
    result: {
      stdout: (g: Fixture) => [g.value('kernel', 'x'), g.value('uid', 0)],
      stderr: 'odd',
      exitCode: 0,
      signal: null,
      timedOut: false,
      durationMs: 0,
    },
    message: /done record.*section knobs/,
  },
];

for (const { name, result, message } of failures) {
  test(`RemoteError with stderr kept: ${name}`, async () => {
    const connection = localConnection([], (script) => {
      const token = /^cf_tok=([0-9a-f]{16})$/m.exec(script)?.[1] ?? '';
      const stdout = result
        .stdout(gatherFixture(token))
        .map((line) => `${line}\n`)
        .join('');
      return { ...result, stdout };
    });
    await assert.rejects(gatherFacts(connection, { files: [] }), (error: unknown) => {
      assert.ok(error instanceof RemoteError);
      assert.match(error.message, message);
      assert.equal(error.stderr, result.stderr);
      assert.equal(error.exitCode, result.exitCode);
      return true;
    });
    assert.equal(connection.scripts.length, 1);
  });
}
