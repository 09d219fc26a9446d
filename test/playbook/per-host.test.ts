import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlSource, type YamlSource } from '../../src/config/yaml-source.js';
import { InputError } from '../../src/errors.js';
import { parsePlaybook } from '../../src/playbook/load-playbook.js';
import { filesNeeded, specForHost } from '../../src/steps/definitions.js';

function source(text: string): YamlSource {
  return parseYamlSource('advice.yaml', text);
}

const book = (perHost: string) => `hosts: all
steps:
  - raise_max:
      value: 131072
      max_memory_percent: 5
    per_host:
${perHost}
  - persist: {sysctl_d: true}
    per_host:
      web3: {file: /etc/sysctl.d/50-other.conf}
`;

describe("per_host: a host's own values for a step", () => {
  it("merges the host's options over the step's, fills defaults, and leaves other hosts on the step's", () => {
    const playbook = parsePlaybook(source(book('      web1: {value: 524288}\n      web2: {max_memory_percent: 7}')));
    const [raise] = playbook.steps;
    assert.ok(raise);
    assert.deepEqual(specForHost(raise, 'web1').options, {
      value: 524288,
      per_cpu: 32768,
      min: 131072,
      allow_lower: false,
      max_memory_percent: 5,
    });
    assert.deepEqual(specForHost(raise, 'web2').options, {
      value: 131072,
      per_cpu: 32768,
      min: 131072,
      allow_lower: false,
      max_memory_percent: 7,
    });
    assert.equal(specForHost(raise, 'other'), raise);
    assert.equal(specForHost(raise, undefined), raise);
  });

  it("files named by any host's options are gathered", () => {
    const playbook = parsePlaybook(source(book('      web1: {value: 524288}')));
    assert.deepEqual(
      filesNeeded(playbook)
        .filter((f) => f.startsWith('/etc/sysctl'))
        .sort(),
      ['/etc/sysctl.d/50-other.conf', '/etc/sysctl.d/90-conntrack-fleet.conf'],
    );
  });

  const bad = [
    { name: 'a bad value for one host', perHost: '      web1: {value: -1}', message: /value/ },
    { name: 'an unknown option for one host', perHost: '      web1: {valu: 3}', message: /valu/ },
    {
      name: 'a host without a mapping',
      perHost: '      web1: 524288',
      message: /per_host\.web1: .*a mapping of raise_max options/,
    },
  ];
  for (const c of bad) {
    it(`bad input: ${c.name} is an InputError with a position`, () => {
      assert.throws(
        () => parsePlaybook(source(book(c.perHost))),
        (error: unknown) => {
          assert.ok(error instanceof InputError);
          assert.match(error.message, c.message);
          assert.ok(error.position, 'has a position');
          return true;
        },
      );
    });
  }

  it('an empty per_host is bad input', () => {
    assert.throws(
      () => parsePlaybook(source('hosts: all\nsteps:\n  - check_count: {}\n    per_host: {}\n')),
      /per_host: .*a mapping of inventory host names/,
    );
  });
});
