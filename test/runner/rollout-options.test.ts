import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSerial, withOverrides } from '../../src/cli/run-options.js';
import { InputError } from '../../src/errors.js';
import type { Connection, ExecResult, HostTarget } from '../../src/transport/connection.js';
import { playbookOf, spec } from '../fixtures/steps/playbook.js';
import { testPool } from './fake-host.js';

const playbook = { ...playbookOf([spec.raiseMax()]), serial: [1, '10%', '100%'] as const, max_fail_percentage: 10 };

test('--serial parses counts and percentages; anything else is bad input', () => {
  assert.deepEqual(parseSerial('1,10%, 100%'), [1, '10%', '100%']);
  assert.deepEqual(parseSerial('5'), [5]);
  for (const bad of ['0', '0%', '101%', '1.5', 'x', '', '1,,2', '-1'])
    assert.throws(() => parseSerial(bad), InputError, bad);
});

test('CLI flags override the playbook rollout: --serial, --canary N = [N, 100%], --max-fail-percentage', () => {
  const table: [Parameters<typeof withOverrides>[1], unknown[], number][] = [
    [{}, [1, '10%', '100%'], 10],
    [{ serial: '2,50%' }, [2, '50%'], 10],
    [{ canary: '3' }, [3, '100%'], 10],
    [{ maxFailPercentage: '50' }, [1, '10%', '100%'], 50],
    [{ maxFailPercentage: '0' }, [1, '10%', '100%'], 0],
  ];
  for (const [values, serial, maxFail] of table) {
    const result = withOverrides({ ...playbook, serial: [...playbook.serial] }, values);
    assert.deepEqual(
      [result.serial, result.max_fail_percentage, result.max_unreachable_percent],
      [serial, maxFail, undefined],
      JSON.stringify(values),
    );
  }
  const unreachable: [number | undefined, string | undefined, number | undefined][] = [
    [undefined, undefined, undefined],
    [undefined, '25', 25],
    [40, undefined, 40],
    [40, '0', 0],
  ];
  for (const [fromPlaybook, flag, expected] of unreachable) {
    const base = {
      ...playbook,
      serial: [...playbook.serial],
      ...(fromPlaybook !== undefined && { max_unreachable_percent: fromPlaybook }),
    };
    const result = withOverrides(base, flag === undefined ? {} : { maxUnreachablePercent: flag });
    assert.equal(result.max_unreachable_percent, expected, `playbook ${fromPlaybook} flag ${flag}`);
  }
  const bad: Parameters<typeof withOverrides>[1][] = [
    { serial: '1', canary: '1' },
    { canary: '0' },
    { canary: 'x' },
    { maxFailPercentage: '101' },
    { maxFailPercentage: '' },
    { maxFailPercentage: 'half' },
    { maxUnreachablePercent: '-1' },
    { maxUnreachablePercent: '' },
    { maxUnreachablePercent: 'all' },
  ];
  for (const values of bad)
    assert.throws(
      () => withOverrides({ ...playbook, serial: [...playbook.serial] }, values),
      InputError,
      JSON.stringify(values),
    );
});

function fakeTarget(name: string): HostTarget {
  return { name, address: '127.0.0.1', port: 22, user: 'root', become: false, becomeUser: 'root', vars: {} };
}

/** A connection whose scripts end only when the test says so. */
function fakeConnect(pending: (() => void)[]) {
  return async (target: HostTarget): Promise<Connection> => ({
    target,
    runScript: () =>
      new Promise<ExecResult>((resolve) =>
        pending.push(() =>
          resolve({ stdout: '', stderr: '', exitCode: 0, signal: null, timedOut: false, durationMs: 0 }),
        ),
      ),
    // the lock's verdict is a record carrying the script's token (src/remote/records.ts)
    hold: async (script: string) => ({
      firstLine: `@@cf ${/^cf_tok=(\S+)$/m.exec(script)?.[1] ?? ''} locked`,
      release: async () => undefined,
    }),
    close: async () => undefined,
    onLost: () => undefined,
  });
}

test('the pool knows which hosts run a script; drain stops new scripts and waits for those in flight', async () => {
  const pending: (() => void)[] = [];
  const pool = testPool(fakeConnect(pending));
  const [a, b] = await Promise.all([pool.get(fakeTarget('a')), pool.get(fakeTarget('b'))]);
  const scripts = [a?.runScript('x'), b?.runScript('y')];
  assert.deepEqual(pool.busyHosts(), ['a', 'b']);
  let drained = false;
  const drain = pool.drain().then(() => (drained = true));
  await assert.rejects(a!.runScript('new'), /stopping: no new remote script/);
  await assert.rejects(b!.hold('lock'), /stopping/);
  pending.shift()?.();
  await scripts[0];
  assert.deepEqual([pool.busyHosts(), drained], [['b'], false]);
  pending.shift()?.();
  await Promise.all([scripts[1], drain]);
  assert.deepEqual([pool.busyHosts(), drained], [[], true]);
});
