import { test } from 'node:test';
import { yamlLines, assertInputError } from '../config/input-error-assert.js';
import { inventoryFrom } from './inventory-from.js';

const cases: Array<{ name: string; yaml: string; at: string; message: RegExp }> = [
  {
    name: 'unknown key in a group, at the key, naming the valid keys',
    yaml: yamlLines('all:', '  children:', '    web:', '      hots:', '        w1:'),
    at: '4:7',
    message: /^unknown key "hots" in group "web" \(did you mean "hosts"\?\); expected one of: hosts, children, vars$/,
  },
  {
    name: 'hosts given as a list',
    yaml: yamlLines('all:', '  hosts: [a, b]'),
    at: '2:10',
    message: /^"hosts" of group "all" is a list; expected a mapping of host names/,
  },
  {
    name: 'children given as a list',
    yaml: yamlLines('all:', '  children:', '    - web'),
    at: '3:5',
    message: /^"children" of group "all" is a list; expected a mapping of child group names/,
  },
  {
    name: 'vars given as a string',
    yaml: yamlLines('web:', '  vars: x'),
    at: '2:9',
    message: /^"vars" of group "web" is "x"; expected a mapping of variable names to values$/,
  },
  {
    name: 'a group that is a scalar',
    yaml: yamlLines('web: 3'),
    at: '1:6',
    message: /^group "web" is 3; expected a mapping with keys hosts, children, vars \(or nothing\)$/,
  },
  {
    name: 'host vars that are not a mapping',
    yaml: yamlLines('all:', '  hosts:', '    h1: 5'),
    at: '3:9',
    message: /^host "h1" in group "all" has variables given as 5; expected a mapping of variables \(or nothing\)$/,
  },
  {
    name: 'a top-level list',
    yaml: yamlLines('- all'),
    at: '1:1',
    message: /^inventory is a list; expected a mapping of groups/,
  },
  {
    name: 'an inventory plugin configuration',
    yaml: yamlLines('plugin: aws_ec2', 'regions: [eu-west-1]'),
    at: '1:1',
    message: /inventory plugin configuration; expected a static YAML inventory/,
  },
  {
    name: 'a reversed host range',
    yaml: yamlLines('web:', '  hosts:', '    w[3:1]:'),
    at: '3:5',
    message: /^host "w\[3:1\]": host range \[3:1\] ends before it begins; expected begin <= end$/,
  },
  {
    name: 'a port out of range in host:port',
    yaml: yamlLines('web:', '  hosts:', '    w1:70000:'),
    at: '3:5',
    message: /port 70000 is out of range; expected 1-65535/,
  },
  {
    name: 'a group loop, at the reference closing it',
    yaml: yamlLines('a:', '  children:', '    b:', '      children:', '        a:'),
    at: '5:9',
    message: /^group loop a → b → a; expected child groups without cycles$/,
  },
  {
    name: 'a non-integer ansible_group_priority, at its value',
    yaml: yamlLines('web:', '  vars:', '    ansible_group_priority: high'),
    at: '3:29',
    message: /^ansible_group_priority of group "web": got "high"; expected an integer$/,
  },
  {
    name: 'an empty host name',
    yaml: yamlLines('web:', '  hosts:', '    ? ""'),
    at: '3:7',
    message: /^host name is ""; expected a non-empty host name$/,
  },
];

for (const c of cases) {
  test(c.name, () => {
    assertInputError(() => inventoryFrom(c.yaml), `inv.yaml:${c.at}`, c.message);
  });
}
