import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { expandProxyCommand, startProxyCommand } from '../../src/transport/proxy-command.js';

const tokens = { host: '10.0.0.5', port: 2222, user: 'ops', alias: 'web1' };

const expansions: [string, typeof tokens, string][] = [
  ['ssh -W %h:%p bastion', tokens, 'ssh -W 10.0.0.5:2222 bastion'],
  ['nc %h %p # %r %n 100%%', tokens, 'nc 10.0.0.5 2222 # ops web1 100%'],
  // a hostile value stays one word: quoted, never shell syntax
  ['nc %h %p', { ...tokens, host: 'x;touch /tmp/pwned' }, "nc 'x;touch /tmp/pwned' 2222"],
  ['connect %r', { ...tokens, user: "o'brien" }, `connect 'o'\\''brien'`],
];

for (const [command, values, want] of expansions) {
  test(`ProxyCommand ${JSON.stringify(command)} expands to ${JSON.stringify(want)}`, () => {
    assert.deepEqual(expandProxyCommand(command, values), { command: want });
  });
}

test('an unknown token is refused, as ssh refuses it', () => {
  assert.deepEqual(expandProxyCommand('nc %h %x %y', tokens), {
    error: 'ProxyCommand has an unknown token %x (ssh knows %h %p %r %n %%)',
  });
  assert.ok('error' in expandProxyCommand('trailing %', tokens));
});

test("the stream is the command's stdin/stdout; stop() ends it", async () => {
  const proxy = startProxyCommand('cat');
  proxy.sock.write('ping\n');
  const [data] = (await once(proxy.sock, 'data')) as [Buffer];
  assert.equal(data.toString(), 'ping\n');
  const closed = once(proxy.sock, 'close');
  await proxy.stop();
  await closed;
});

test('a command that exits closes the stream, and its stderr is kept with control characters escaped', async () => {
  // like `ssh -W` failing: a message on stderr, then exit (which closes stdout)
  const proxy = startProxyCommand(`sh -c 'printf "no route\\033[31m\\n" >&2; exit 3'`);
  proxy.sock.resume();
  await once(proxy.sock, 'close');
  await proxy.stop();
  assert.equal(proxy.stderrTail(), 'no route\\x1b[31m');
});

test('several stderr lines are joined with " | ", each escaped by the one rule, empty ones dropped', async () => {
  const proxy = startProxyCommand(`sh -c 'printf "one\\tx\\r\\n\\ntwo\\033\\n" >&2; exit 3'`);
  proxy.sock.resume();
  await once(proxy.sock, 'close');
  await proxy.stop();
  assert.equal(proxy.stderrTail(), 'one\\tx | two\\x1b');
});
