import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectError } from '../../src/errors.js';
import { classifyConnectError, type ConnectAttempt } from '../../src/transport/connect-errors.js';

const attempt: ConnectAttempt = {
  target: { name: 'web1', address: '10.0.0.5', port: 2222, user: 'deploy' },
  connectTimeoutMs: 10_000,
  authMethods: ['ssh-agent (/tmp/agent.sock)', 'key /home/u/.ssh/id_ed25519'],
  authNotes: [],
  hostKeyRefusal: null,
};

function ssh2Error(message: string, fields: { level?: string; code?: string }): Error {
  return Object.assign(new Error(message), fields);
}

test('ssh2 errors map to failures whose message names the host and address:port', () => {
  const cases: [Error, ConnectError['failure'], RegExp][] = [
    [
      ssh2Error('connect ECONNREFUSED', { level: 'client-socket', code: 'ECONNREFUSED' }),
      'unreachable',
      /connection refused/,
    ],
    [
      ssh2Error('connect EHOSTUNREACH', { level: 'client-socket', code: 'EHOSTUNREACH' }),
      'unreachable',
      /host unreachable/,
    ],
    [
      ssh2Error('getaddrinfo ENOTFOUND x', { level: 'client-socket', code: 'ENOTFOUND' }),
      'unreachable',
      /DNS lookup failed/,
    ],
    [
      ssh2Error('getaddrinfo EAI_AGAIN x', { level: 'client-socket', code: 'EAI_AGAIN' }),
      'unreachable',
      /DNS lookup failed/,
    ],
    [
      ssh2Error('Timed out while waiting for handshake', { level: 'client-timeout' }),
      'timeout',
      /timed out after 10000 ms/,
    ],
    [
      ssh2Error('connect ETIMEDOUT 10.0.0.5:2222', { level: 'client-socket', code: 'ETIMEDOUT' }),
      'timeout',
      /TCP connect timed out/,
    ],
    [
      ssh2Error('Connection lost before handshake', { level: 'protocol' }),
      'unreachable',
      /Connection lost before handshake/,
    ],
    [
      ssh2Error('All configured authentication methods failed', { level: 'client-authentication' }),
      'auth',
      /authentication as deploy failed; tried ssh-agent \(\/tmp\/agent\.sock\), key \/home\/u\/\.ssh\/id_ed25519$/,
    ],
  ];
  for (const [error, failure, message] of cases) {
    const result = classifyConnectError(error, attempt);
    assert.equal(result.failure, failure, error.message);
    assert.match(result.message, /^web1 \(10\.0\.0\.5:2222\): /);
    assert.match(result.message, message);
    assert.equal(result.cause, error);
  }
});

test('a host key refusal wins over the generic "Host denied" error', () => {
  const refusal = new ConnectError('host-key-changed', 'changed!');
  const error = ssh2Error('Host denied (verification failed)', { level: 'handshake' });
  const result = classifyConnectError(error, { ...attempt, hostKeyRefusal: refusal });
  assert.deepEqual([result.failure, result.message, result.cause], ['host-key-changed', 'changed!', error]);
});

test('auth failures append why other credentials were left out', () => {
  const error = ssh2Error('All configured authentication methods failed', { level: 'client-authentication' });
  const result = classifyConnectError(error, { ...attempt, authNotes: ['private key /k is encrypted'] });
  assert.match(result.message, /; also: private key \/k is encrypted$/);
});

test('a ConnectError raised before the handshake passes through', () => {
  const early = new ConnectError('auth', 'no credentials');
  assert.equal(classifyConnectError(early, attempt), early);
});
