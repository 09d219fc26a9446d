import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import { loadPrivateKey, resolveCredentials, type CredentialSources } from '../../src/transport/credentials.js';
import { generateKey, sshKeygenMissing } from './keygen-helper.js';

const skip = sshKeygenMissing();
const passphrase = 'correct horse';

function home(keys: ('id_ed25519' | 'id_ecdsa' | 'id_rsa')[] = [], options: { passphrase?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-cred-'));
  mkdirSync(join(dir, '.ssh'));
  for (const name of keys) {
    const type = name === 'id_ed25519' ? 'ed25519' : name === 'id_ecdsa' ? 'ecdsa' : 'rsa';
    generateKey(join(dir, '.ssh'), name, { type, ...options });
  }
  return dir;
}

async function fakeAgentSocket(t: TestContext): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'ctf-agent-')), 'agent.sock');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.after(() => server.close());
  return path;
}

const target = (privateKeyFile?: string) => ({ name: 'web1', user: 'deploy', privateKeyFile });
const labels = async (sources: CredentialSources, keyFile?: string) =>
  (await resolveCredentials(target(keyFile), sources)).methods.map((m) => m.label.replace(sources.homeDir, '~'));

async function authError(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConnectError, `expected a ConnectError, got ${String(error)}`);
  assert.equal(error.failure, 'auth');
  return error;
}

test('the target key file alone, even when an agent and default keys exist', { skip }, async (t) => {
  const homeDir = home(['id_ed25519']);
  const keyFile = generateKey(homeDir, 'deploy_key').privateFile;
  const sources = { env: { SSH_AUTH_SOCK: await fakeAgentSocket(t) }, homeDir };
  assert.deepEqual(await labels(sources, keyFile), ['key ~/deploy_key']);
  const [credential] = (await resolveCredentials(target(keyFile), sources)).methods;
  assert.equal(credential?.method.type, 'publickey');
  assert.equal(credential?.method.username, 'deploy');
});

test('a missing target key file is an auth error naming it', { skip }, async () => {
  const error = await authError(resolveCredentials(target('/nonexistent/key'), { env: {}, homeDir: home() }));
  assert.match(error.message, /cannot read private key \/nonexistent\/key/);
});

test('default keys: the first existing of id_ed25519, id_ecdsa, id_rsa', { skip }, async () => {
  assert.deepEqual(await labels({ env: {}, homeDir: home(['id_rsa', 'id_ecdsa']) }), ['key ~/.ssh/id_ecdsa']);
  assert.deepEqual(await labels({ env: {}, homeDir: home(['id_rsa']) }), ['key ~/.ssh/id_rsa']);
  assert.deepEqual(await labels({ env: {}, homeDir: home(['id_rsa', 'id_ed25519']) }), ['key ~/.ssh/id_ed25519']);
});

test('agent and default key both offered, agent first', { skip }, async (t) => {
  const socket = await fakeAgentSocket(t);
  assert.deepEqual(await labels({ env: { SSH_AUTH_SOCK: socket }, homeDir: home(['id_ed25519']) }), [
    `ssh-agent (${socket})`,
    'key ~/.ssh/id_ed25519',
  ]);
  assert.deepEqual(await labels({ env: { SSH_AUTH_SOCK: socket }, homeDir: home() }), [`ssh-agent (${socket})`]);
});

test('no credentials at all: an auth error that says what was looked for', { skip }, async () => {
  const homeDir = home();
  const error = await authError(
    resolveCredentials(target(), { env: { SSH_AUTH_SOCK: join(homeDir, 'gone') }, homeDir }),
  );
  assert.match(error.message, /SSH_AUTH_SOCK .* is not a socket/);
  assert.match(error.message, /id_ed25519, .*id_ecdsa, .*id_rsa/);
});

test('encrypted key: passphrase from CONNTRACK_FLEET_SSH_PASSPHRASE', { skip }, async () => {
  const { privateFile } = generateKey(home(), 'enc', { passphrase });
  const key = await loadPrivateKey(privateFile, { env: { CONNTRACK_FLEET_SSH_PASSPHRASE: passphrase } });
  assert.equal(key.isPrivateKey(), true);
});

test(
  'encrypted key without any passphrase source, or with a wrong one: auth error, no secret in it',
  { skip },
  async () => {
    const { privateFile } = generateKey(home(), 'enc', { passphrase });
    const missing = await authError(loadPrivateKey(privateFile, { env: {} }));
    assert.match(missing.message, /is encrypted and no passphrase is available: set CONNTRACK_FLEET_SSH_PASSPHRASE/);
    const other = generateKey(home(), 'enc2', { passphrase });
    const wrong = await authError(
      loadPrivateKey(other.privateFile, { env: { CONNTRACK_FLEET_SSH_PASSPHRASE: 'wrong-guess' } }),
    );
    assert.match(wrong.message, /wrong passphrase for private key/);
    const keyText = readFileSync(other.privateFile, 'utf8');
    const body = keyText.split('\n')[1] ?? 'unreachable';
    for (const error of [missing, wrong]) {
      assert.ok(!error.message.includes('wrong-guess') && !error.message.includes(passphrase));
      assert.ok(!error.message.includes(body));
    }
  },
);

test('the passphrase is asked once per key file, even for concurrent connections', { skip }, async () => {
  const { privateFile } = generateKey(home(), 'enc', { passphrase });
  const questions: string[] = [];
  const prompt = async (question: string) => (questions.push(question), passphrase);
  const keys = await Promise.all([1, 2, 3].map(() => loadPrivateKey(privateFile, { env: {}, prompt })));
  assert.equal(questions.length, 1);
  assert.equal(questions[0], `Enter passphrase for key '${privateFile}': `);
  assert.ok(keys.every((k) => k === keys[0]));
});

test('an undecryptable default key is only a note when the agent can still be tried', { skip }, async (t) => {
  const socket = await fakeAgentSocket(t);
  const homeDir = home(['id_ed25519'], { passphrase });
  const credentials = await resolveCredentials(target(), { env: { SSH_AUTH_SOCK: socket }, homeDir });
  assert.deepEqual(
    credentials.methods.map((m) => m.label),
    [`ssh-agent (${socket})`],
  );
  assert.match(credentials.notes.join(), /id_ed25519 is encrypted/);
  await authError(resolveCredentials(target(), { env: {}, homeDir }));
});

test('a public key file is refused as a private key', { skip }, async () => {
  const dir = home();
  const { publicFile } = generateKey(dir, 'k');
  writeFileSync(join(dir, 'copy'), readFileSync(publicFile));
  const error = await authError(loadPrivateKey(join(dir, 'copy'), { env: {} }));
  assert.match(error.message, /cannot use private key .*copy/);
});
