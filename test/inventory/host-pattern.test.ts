import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostPattern } from '../../src/inventory/host-pattern.js';
import { assertInputError } from '../config/input-error-assert.js';

const shapes: Array<[string, string[]]> = [
  ['all', ['union all']],
  ['web:db', ['union web', 'union db']],
  ['web,db', ['union web', 'union db']],
  // Evaluation order: unions, then intersections, then exclusions, whatever the written order.
  ['!canary:&prod:web:db', ['union web', 'union db', 'intersection prod', 'exclusion canary']],
  ['&prod', ['union all', 'intersection prod']],
  ['!canary', ['union all', 'exclusion canary']],
  ['web*:~db\\d+', ['union web*', 'union ~db\\d+']],
  ['w[1:2].ex', ['union w[1:2].ex']],
  ['web[0]:web[1:]', ['union web', 'union web']],
  [' web , db ', ['union web', 'union db']],
  ['2001:db8::1', ['union 2001:db8::1']],
  ['web,,db', ['union web', 'union db']],
];

for (const [pattern, want] of shapes) {
  test(`"${pattern}" parses to ${want.join(', ')}`, () => {
    assert.deepEqual(
      parseHostPattern(pattern).map((t) => `${t.operator} ${t.name}`),
      want,
    );
  });
}

test('kinds and subscripts', () => {
  const [name, glob, regex, indexed, sliced, open] = parseHostPattern('web,web*,~w.b,web[-1],web[0:2],web[3:]');
  assert.equal(name?.kind, 'name');
  assert.equal(glob?.kind, 'glob');
  assert.equal(regex?.kind, 'regex');
  assert.deepEqual(indexed?.subscript, { start: -1 });
  assert.deepEqual(sliced?.subscript, { start: 0, end: 2 });
  assert.deepEqual(open?.subscript, { start: 3, end: 'last' });
});

test('globs follow fnmatch, regexes are anchored at the start only', () => {
  const [glob, negated, regex] = parseHostPattern('w?b[12]*,db[!3],~db\\d');
  assert.ok(glob?.matcher.test('web1.example.com'));
  assert.ok(!glob?.matcher.test('web3'));
  assert.ok(negated?.matcher.test('db1') && !negated.matcher.test('db3'));
  assert.ok(regex?.matcher.test('db1-backup') && !regex.matcher.test('old-db1'));
});

const bad: Array<[string, RegExp]> = [
  ['', /host pattern "": is empty; expected names, globs or ~regex/],
  [' : ', /is empty; expected/],
  ['web:!', /"!" has no name after the operator; expected e\.g\. !canary/],
  ['web,&', /"&" has no name after the operator/],
  ['~web(', /invalid regular expression in "~web\("/],
  ['web[', /unexpected "\["/],
  ['web[,db', /unclosed "\[" in "web\["; expected \[chars\] to be closed/],
];

for (const [pattern, message] of bad) {
  test(`"${pattern}" is a syntax error at the given position`, () => {
    assertInputError(() => parseHostPattern(pattern, { file: 'pb.yaml', line: 2, col: 8 }), 'pb.yaml:2:8', message);
  });
}
