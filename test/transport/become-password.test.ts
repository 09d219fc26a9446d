import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import { becomePasswordEnvVar, runBecomePassword, withBecomePassword } from '../../src/transport/become-password.js';
import type { HostTarget } from '../../src/transport/connection.js';

const target = (name: string, become: boolean, own?: string): HostTarget => ({
  name,
  address: name,
  port: 22,
  user: 'ops',
  become,
  becomeUser: 'root',
  vars: {},
  ...(own !== undefined && { becomePassword: () => Promise.resolve(own) }),
});

test('no env var and no -K: no password source (sudo then runs with -n)', () => {
  assert.equal(runBecomePassword({ env: {}, ask: false }), undefined);
  assert.equal(runBecomePassword({ env: { [becomePasswordEnvVar]: '' }, ask: false }), undefined);
});

test('the env var wins over -K and never prompts', async () => {
  let prompts = 0;
  const source = runBecomePassword({
    env: { [becomePasswordEnvVar]: 's3cret' },
    ask: true,
    prompt: async () => `${++prompts}`,
  });
  assert.equal(await source?.(), 's3cret');
  assert.equal(prompts, 0);
});

test('-K prompts once for the whole fleet, however many hosts ask', async () => {
  const questions: string[] = [];
  const source = runBecomePassword({ env: {}, ask: true, prompt: async (q) => (questions.push(q), 'typed') });
  assert.ok(source);
  assert.deepEqual(await Promise.all([source(), source(), source()]), ['typed', 'typed', 'typed']);
  assert.deepEqual(questions, ['BECOME password: ']);
});

test('-K without a terminal is a become error that names the env var', async () => {
  const source = runBecomePassword({ env: {}, ask: true });
  await assert.rejects(
    source!(),
    (error: unknown) =>
      error instanceof ConnectError && error.failure === 'become' && error.message.includes(becomePasswordEnvVar),
  );
});

test("the run-wide password goes to become hosts without their own; a host's ansible_become_password is kept", async () => {
  const runWide = () => Promise.resolve('run-wide');
  const [own, borrowed, plain] = withBecomePassword(
    [target('a', true, 'own'), target('b', true), target('c', false)],
    runWide,
  );
  assert.equal(await own?.becomePassword?.(), 'own');
  assert.equal(await borrowed?.becomePassword?.(), 'run-wide');
  assert.equal(plain?.becomePassword, undefined);
});

test('the password is never in a serialised target', () => {
  const [t] = withBecomePassword([target('a', true)], () => Promise.resolve('hunter2'));
  assert.doesNotMatch(JSON.stringify(t), /hunter2/);
});
