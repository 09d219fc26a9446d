import assert from 'node:assert/strict';
import { test } from 'node:test';
import { knobPaths, timeoutPath, type HostFacts } from '../../src/facts/types.js';
import { manualFixHints, verifyRestored } from '../../src/runner/restore-check.js';
import type { Change } from '../../src/changes/change.js';
import { mod, modular61Legacy, textFile } from '../fixtures/steps/facts.js';

const conf = '/etc/sysctl.conf';
const modprobe = '/etc/modprobe.d/conntrack-fleet.conf';
const seeded = textFile('net.netfilter.nf_conntrack_max = 65536\n');
const tuned = textFile('net.netfilter.nf_conntrack_max = 262144\n');

/** What a tune run applied: max, a timeout, sysctl.conf rewritten, a modprobe.d file created, a module unloaded. */
const applied: Change[] = [
  { kind: 'knob', key: 'net.netfilter.nf_conntrack_max', path: knobPaths.max, before: '65536', after: '262144' },
  {
    kind: 'knob',
    key: 'net.netfilter.nf_conntrack_tcp_timeout_established',
    path: timeoutPath('tcp_timeout_established'),
    before: '432000',
    after: '86400',
  },
  { kind: 'file', path: conf, before: seeded, after: tuned },
  { kind: 'file', path: modprobe, before: null, after: textFile('options nf_conntrack hashsize=65536\n') },
  { kind: 'module-unload', module: 'iptable_nat' },
  // a later change to a target already changed: the FIRST change holds the state from before the run
  { kind: 'knob', key: 'net.netfilter.nf_conntrack_max', path: knobPaths.max, before: '262144', after: '524288' },
];

/** A host read back after a rollback, exactly as it was before the run unless `edit` says otherwise. */
function restored(edit: (facts: HostFacts) => void = () => undefined): HostFacts {
  const facts = modular61Legacy();
  facts.files = { [conf]: seeded, [modprobe]: null };
  edit(facts);
  return facts;
}

test('verifyRestored: a host back in its before-state has no mismatch', () => {
  assert.deepEqual(verifyRestored(restored(), applied), []);
});

test('verifyRestored names every way the host differs from the before-states', () => {
  const table: [string, (facts: HostFacts) => void, string[]][] = [
    [
      'knob left at the new value',
      (f) => (f.knobs.max.value = '262144'),
      ['net.netfilter.nf_conntrack_max is 262144, was 65536'],
    ],
    ['knob unreadable', (f) => (f.knobs.max.value = null), ['net.netfilter.nf_conntrack_max is unreadable, was 65536']],
    ['knob read back empty', (f) => (f.knobs.max.value = ''), ['net.netfilter.nf_conntrack_max is empty, was 65536']],
    [
      'timeout not restored',
      (f) => (f.timeouts['tcp_timeout_established'] = 86400),
      ['net.netfilter.nf_conntrack_tcp_timeout_established is 86400, was 432000'],
    ],
    [
      'file content',
      (f) => (f.files[conf] = tuned),
      [`${conf} differs: now 40 bytes, mode 644, owner 0:0, was 39 bytes, mode 644, owner 0:0`],
    ],
    [
      'file mode only',
      (f) => (f.files[conf] = { ...seeded, mode: 0o600 }),
      [`${conf} differs: now 39 bytes, mode 600, owner 0:0, was 39 bytes, mode 644, owner 0:0`],
    ],
    [
      'created file left behind',
      (f) => (f.files[modprobe] = textFile('x\n')),
      [`${modprobe} differs: now 2 bytes, mode 644, owner 0:0, was absent`],
    ],
    ['file not read back', (f) => delete f.files[conf], [`${conf} could not be read back to verify it`]],
    [
      'module still unloaded',
      (f) => (f.modules = f.modules.filter((m) => m.name !== 'iptable_nat')),
      ['module iptable_nat is not loaded, was loaded'],
    ],
  ];
  for (const [name, edit, expected] of table) assert.deepEqual(verifyRestored(restored(edit), applied), expected, name);
});

test('a module the run loaded must be unloaded again', () => {
  const loaded: Change[] = [{ kind: 'module-load', module: 'nf_conntrack_netlink' }];
  assert.deepEqual(verifyRestored(restored(), loaded), []);
  const stillLoaded = restored((f) => f.modules.push(mod('nf_conntrack_netlink', 0)));
  assert.deepEqual(verifyRestored(stillLoaded, loaded), ['module nf_conntrack_netlink is loaded, was not loaded']);
});

test('manual fix hints cover only what is still wrong, from the state before the run', () => {
  const mismatches = verifyRestored(
    restored((f) => {
      f.knobs.max.value = '262144';
      f.files[modprobe] = textFile('x\n');
    }),
    applied,
  );
  assert.deepEqual(manualFixHints(applied, mismatches), [`echo 65536 > ${knobPaths.max}`, `rm ${modprobe}`]);
});

test('hints: modprobe lines before the echo lines (loading resets the knobs), every value shell-quoted', () => {
  const changes: Change[] = [
    {
      kind: 'knob',
      key: 'net.netfilter.nf_conntrack_max',
      path: knobPaths.max,
      before: '65536; reboot',
      after: '262144',
    },
    { kind: 'module-unload', module: 'nf_conntrack' },
    { kind: 'file', path: "/etc/sysctl.d/it's.conf", before: null, after: textFile('x\n') },
  ];
  const mismatches = [
    'net.netfilter.nf_conntrack_max differs',
    'nf_conntrack not loaded',
    "/etc/sysctl.d/it's.conf differs",
  ];
  assert.deepEqual(manualFixHints(changes, mismatches), [
    'modprobe nf_conntrack',
    `echo '65536; reboot' > ${knobPaths.max}`,
    "rm '/etc/sysctl.d/it'\\''s.conf'",
  ]);
});
