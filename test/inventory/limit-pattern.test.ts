import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildRetryInventory } from '../../src/cli/retry-file.js';
import { stringify } from 'yaml';
import type { SourcePosition } from '../../src/errors.js';
import { expandLimit, limitHosts } from '../../src/inventory/index.js';
import { assertInputError, yamlLines as lines } from '../config/input-error-assert.js';
import { inventoryFrom } from './inventory-from.js';

const files: Record<string, string> = {
  'retry.txt': lines('web1', '', '  web2  ', '# a comment'),
  'empty.txt': lines('', '# nothing'),
};
const read = (file: string): string => {
  const text = files[file];
  if (text === undefined) throw new Error(`unexpected read of ${file}`);
  return text;
};

const cases: Array<{ limit: string; want: string }> = [
  { limit: 'web*', want: 'web*' },
  { limit: 'web:!db', want: 'web:!db' },
  { limit: '@retry.txt', want: 'web1,web2' },
  { limit: 'db1, @retry.txt', want: 'db1,web1,web2' },
];

for (const c of cases) {
  test(`--limit ${JSON.stringify(c.limit)} → ${c.want}`, () => assert.equal(expandLimit(c.limit, read), c.want));
}

test('an empty --limit is an error, not the whole fleet', () => {
  assertInputError(() => expandLimit('', read), null, /^--limit is empty; expected a host pattern/);
  assertInputError(() => expandLimit('  ', read), null, /^--limit is empty/);
});

test('--limit @FILE: an empty file, a missing file and a bare @ are errors', () => {
  assertInputError(() => expandLimit('@empty.txt', read), 'empty.txt:1:1', /lists no hosts/);
  assertInputError(() => expandLimit('@', read), null, /names no file/);
  assertInputError(
    () => expandLimit('@no/such/file'),
    'no/such/file:1:1',
    /^--limit file not found; expected a readable file of host names/,
  );
});

test('--limit @FILE accepts the retry inventory that --retry-file writes', () => {
  const inventory = inventoryFrom(
    lines('web:', '  hosts:', '    web1: {ansible_port: 2222}', '    web2:', '    web3:'),
  );
  const results = [
    { host: 'web1', outcome: 'failed' },
    { host: 'web2', outcome: 'changed' },
    { host: 'web3', outcome: 'unreachable' },
  ] as unknown as Parameters<typeof buildRetryInventory>[2];
  const dir = mkdtempSync(join(tmpdir(), 'ctf-limit-'));
  const file = join(dir, 'retry.yaml');
  writeFileSync(file, `# conntrack-fleet retry inventory\n${stringify(buildRetryInventory(inventory, [], results))}`);
  assert.equal(expandLimit(`@${file}`), 'web1,web3');
});

test('--limit @FILE naming a host the inventory lacks: the error is at FILE:LINE:COL of that name', () => {
  const inventory = inventoryFrom(lines('web:', '  hosts:', '    web1:', '    web2:'));
  const sources = new Map<string, SourcePosition>();
  const limit = expandLimit('web1,@retry.txt', read, sources);
  assert.deepEqual(
    limitHosts(inventory.hosts, inventory, limit, sources).map((h) => h.name),
    ['web1', 'web2'],
  );
  files['gone.txt'] = lines('web1', '', '  web9');
  const gone = new Map<string, SourcePosition>();
  const pattern = expandLimit('@gone.txt', read, gone);
  assertInputError(
    () => limitHosts(inventory.hosts, inventory, pattern, gone),
    'gone.txt:3:3',
    /^--limit @gone\.txt: no group or host named "web9"/,
  );
});
