import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideConntrackPresence, type PresenceProbe } from '../../../src/facts/sections/conntrack.js';
import type { ConntrackPresence } from '../../../src/facts/types.js';

const none: PresenceProbe = { listed: false, sysModule: false, initstate: false, builtinList: false };

const cases: Array<[string, Partial<PresenceProbe>, ConntrackPresence]> = [
  ['listed by lsmod', { listed: true, sysModule: true, initstate: true }, 'module'],
  ['loadable module seen in /sys only (lsmod unavailable)', { sysModule: true, initstate: true }, 'module'],
  ['built in with parameters (this machine)', { sysModule: true }, 'builtin'],
  ['built in, named by modules.builtin', { builtinList: true }, 'builtin'],
  ['nothing anywhere', {}, 'absent'],
];

for (const [name, probe, expected] of cases) {
  test(name, () => assert.equal(decideConntrackPresence({ ...none, ...probe }), expected));
}
