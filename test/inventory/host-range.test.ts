import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostEntry } from '../../src/inventory/host-range.js';

const expansions: Array<[string, string[], number?]> = [
  ['web1.example.com', ['web1.example.com']],
  ['www[01:03].example.com', ['www01.example.com', 'www02.example.com', 'www03.example.com']],
  ['n[1:10:4]', ['n1', 'n5', 'n9']],
  ['n[:2]', ['n0', 'n1', 'n2']],
  ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
  ['r[1:2]c[1:2]', ['r1c1', 'r1c2', 'r2c1', 'r2c2']],
  ['db1:2222', ['db1'], 2222],
  ['db[1:2].ex:22', ['db1.ex', 'db2.ex'], 22],
  ['192.0.2.1:2200', ['192.0.2.1'], 2200],
  ['[2001:db8::1]:2222', ['2001:db8::1'], 2222],
  ['2001:db8::1', ['2001:db8::1']],
];

for (const [entry, names, port] of expansions) {
  test(`"${entry}" is ${names.join(' ')}${port ? ` port ${port}` : ''}`, () => {
    assert.deepEqual(parseHostEntry(entry), port === undefined ? { names } : { names, port });
  });
}

const errors: Array<[string, RegExp]> = [
  ['w[3:1]', /ends before it begins; expected begin <= end/],
  ['w[1]', /invalid host range \[1\]; expected \[begin:end\]/],
  ['w[01:100]', /mixes widths; expected begin and end of equal length/],
  ['w[1:x]', /invalid host range \[1:x\]/],
  ['w[1:3:0]', /invalid host range \[1:3:0\]/],
  // a typo must not build a hundred million names before saying anything
  ['web[1:100000000]', /host range expands to 100000000 names; expected at most 100000 per host entry/],
  ['r[1:1000]c[1:1000]', /host range expands to 1000000 names; expected at most 100000 per host entry/],
  ['w1:0', /port 0 is out of range; expected 1-65535/],
];

for (const [entry, message] of errors) {
  test(`"${entry}" is rejected`, () => {
    const parsed = parseHostEntry(entry);
    assert.ok('error' in parsed);
    assert.match(parsed.error, message);
    assert.ok(parsed.error.startsWith(`host "${entry}": `));
  });
}

test('a range of exactly the limit is expanded', () => {
  const entry = parseHostEntry('n[1:100000]');
  assert.ok('names' in entry);
  assert.equal(entry.names.length, 100_000);
  assert.equal(entry.names.at(-1), 'n100000');
});
