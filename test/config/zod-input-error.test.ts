import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { defaultedField, optionalField, requiredField, strictMapping } from '../../src/config/zod-fields.js';
import { inputErrorFromZod, pointAtKey } from '../../src/config/zod-input-error.js';
import { yamlLines } from './input-error-assert.js';

const port = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535 ? v : undefined;
const schema = strictMapping({
  host: requiredField('a host name', (v) => (typeof v === 'string' ? v : undefined)),
  port: defaultedField('an integer 1-65535', port, 22),
  note: optionalField('a string', (v) => (typeof v === 'string' ? v : undefined)),
  tags: z.unknown().superRefine((v, ctx) => {
    if (v === 'bad') ctx.addIssue({ code: 'custom', message: 'bad tag name', params: pointAtKey });
  }),
});

function errorFor(text: string): string {
  const source = parseYamlSource('c.yaml', text);
  const result = schema.safeParse(source.doc.toJS());
  assert.equal(result.success, false);
  return inputErrorFromZod(source, result.error!).format();
}

test('defaults are filled and optional fields left out', () => {
  assert.deepEqual(schema.parse({ host: 'a', tags: 1 }), { host: 'a', port: 22, tags: 1 });
});

const cases = [
  {
    name: 'wrong type at the value',
    text: yamlLines('host: a', 'port: "abc"'),
    want: 'c.yaml:2:7: port: got "abc"; expected an integer 1-65535',
  },
  {
    name: 'out of range',
    text: yamlLines('host: a', 'port: 70000'),
    want: 'c.yaml:2:7: port: got 70000; expected an integer 1-65535',
  },
  {
    name: 'explicit empty value is not the default',
    text: yamlLines('host: a', 'port:'),
    want: 'c.yaml:2:1: port: got an empty value; expected an integer 1-65535',
  },
  {
    name: 'missing at the parent',
    text: yamlLines('port: 22'),
    want: 'c.yaml:1:1: host: missing; expected a host name',
  },
  {
    name: 'unknown key wins over the missing key it hides, at the key',
    text: yamlLines('hots: a', 'port: 22'),
    want: 'c.yaml:1:1: unknown key "hots" (did you mean "host"?); expected one of: host, port, note, tags',
  },
  {
    name: 'custom issue pointing at the key',
    text: yamlLines('host: a', 'tags: bad'),
    want: 'c.yaml:2:1: tags: bad tag name',
  },
  {
    name: 'not a mapping',
    text: yamlLines('- a'),
    want: 'c.yaml:1:1: got a list; expected a mapping with keys: host, port, note, tags',
  },
];

for (const { name, text, want } of cases) {
  test(name, () => assert.equal(errorFor(text), want));
}

test('a base path prefixes the message and locates nested nodes', () => {
  const source = parseYamlSource('n.yaml', yamlLines('outer:', '  - {host: a, port: 0}'));
  const result = schema.safeParse((source.doc.toJS() as { outer: unknown[] }).outer[0]);
  assert.equal(
    inputErrorFromZod(source, result.error!, ['outer', 0]).format(),
    'n.yaml:2:21: outer[0].port: got 0; expected an integer 1-65535',
  );
});
