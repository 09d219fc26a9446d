import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostNameProblem, userNameProblem } from '../../src/inventory/name-rules.js';

describe('hostNameProblem: what may reach ssh and the terminal as a host name or address', () => {
  const accepted = [
    'web1',
    'web-1.example.com',
    'db_01',
    '_srv',
    '10.0.0.1',
    '::1',
    'fe80::1',
    '2001:db8::1',
    'xn--bcher-kva.example',
    'a.b.',
  ];
  for (const name of accepted) it(`accepts ${name}`, () => assert.equal(hostNameProblem(name), undefined));
  const refused: Array<[string, RegExp]> = [
    ['$(id)', /a host name \(letters/],
    ['a;b', /a host name \(letters/],
    ['-oProxyCommand=x', /a host name \(letters/],
    ['a b', /a host name \(letters/],
    ['web\n1', /a host name \(letters/],
    ['web..example', /a host name \(letters/],
    ['::1;id', /a host name \(letters/],
    ['bücher.example', /punycode form "xn--bcher-kva\.example"/],
    ['a'.repeat(254), /at most 253 characters/],
  ];
  for (const [name, problem] of refused)
    it(`refuses ${JSON.stringify(name.slice(0, 20))}`, () => assert.match(hostNameProblem(name) ?? '', problem));
});

describe("userNameProblem: useradd's rule", () => {
  for (const user of ['root', 'deploy', 'svc.web', 'a_b-c', 'machine$', 'u'.repeat(32)])
    it(`accepts ${user}`, () => assert.equal(userNameProblem(user), undefined));
  for (const user of ['root;id', '-oX', 'a b', '$(id)', 'u'.repeat(33), '', 'root\n']) {
    it(`refuses ${JSON.stringify(user.slice(0, 20))}`, () => assert.match(userNameProblem(user) ?? '', /a user name/));
  }
});
