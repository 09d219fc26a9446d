import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseAbsolutePath,
  parseBatchSize,
  parseDurationMs,
  parseHashsizeExpr,
  parseHostsField,
  parseMaxValue,
  parseOnAbort,
} from '../../src/playbook/values.js';

const tables: Array<[string, (v: unknown) => unknown, Array<[unknown, unknown]>]> = [
  [
    'duration',
    parseDurationMs,
    [
      ['30s', 30_000],
      ['2m', 120_000],
      ['500ms', 500],
      ['1h', 3_600_000],
      [30, 30_000],
      [0.5, 500],
      ['1.5s', 1500],
      ['45', 45_000],
      ['-1s', undefined],
      [-1, undefined],
      ['soon', undefined],
      [true, undefined],
    ],
  ],
  [
    'batch size',
    parseBatchSize,
    [
      [1, 1],
      [25, 25],
      ['3', 3],
      ['10%', '10%'],
      ['100%', '100%'],
      ['0%', undefined],
      ['101%', undefined],
      ['1.5%', undefined],
      [0, undefined],
      [1.5, undefined],
      ['ten', undefined],
    ],
  ],
  [
    'raise_max value',
    parseMaxValue,
    [
      [262144, 262144],
      ['auto', 'auto'],
      [0, undefined],
      [-5, undefined],
      [2.5, undefined],
      ['262144', undefined],
      [2_147_483_648, undefined],
    ],
  ],
  [
    'hashsize',
    parseHashsizeExpr,
    [
      [65536, { kind: 'absolute', value: 65536 }],
      ['max', { kind: 'fraction-of-max', divisor: 1 }],
      ['max/4', { kind: 'fraction-of-max', divisor: 4 }],
      ['max / 8', { kind: 'fraction-of-max', divisor: 8 }],
      ['max/0', undefined],
      ['max/-2', undefined],
      ['min/4', undefined],
      [0, undefined],
    ],
  ],
  [
    'absolute path',
    parseAbsolutePath,
    [
      ['/etc/sysctl.conf', '/etc/sysctl.conf'],
      ['etc/sysctl.conf', undefined],
      ['/etc/a\nb', undefined],
      [5, undefined],
    ],
  ],
  [
    'on_abort',
    parseOnAbort,
    [
      ['keep', 'keep'],
      ['rollback-all', 'rollback-all'],
      ['rollback', undefined],
    ],
  ],
  [
    'hosts',
    parseHostsField,
    [
      ['web', 'web'],
      [['web', 'db'], 'web,db'],
      [['a:&b', 'c'], 'a,&b,c'],
      ['', undefined],
      [[], undefined],
      [['web', 3], undefined],
      [5, undefined],
    ],
  ],
];

for (const [name, parse, cases] of tables) {
  for (const [input, want] of cases) {
    test(`${name}: ${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => assert.deepEqual(parse(input), want));
  }
}
