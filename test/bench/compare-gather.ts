/**
 * The compare bench's row "OpenSSH sending conntrack-fleet's gather script": one `ssh host 'sh -s'` per host
 * (bench/parallel-ssh.sh) with the script `check` sends each host, so the table splits `check` into remote work
 * (this row minus `ssh host true`) and the controller (`check` minus this row).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkPeakRequest } from '../../src/cli/check.js';
import { buildGatherScript } from '../../src/facts/gather-script.js';
import { runTimed } from './timed-command.js';
import type { BenchContext, Tool } from './tools.js';

/**
 * The gather script `check` (peak kept, as by default) sends each host at `nowMs`, with `token` as its record token;
 * test/bench/compare-gather.test.ts holds it to what checkHosts really sends.
 */
export function checkGatherScript(nowMs: number, token?: string): string {
  return buildGatherScript({ files: [], bootConfig: false, peak: checkPeakRequest(true, nowMs) }, token);
}

/** The row, run by bench/parallel-ssh.sh at `-f` hosts at once; a fresh script (and peak time) each repetition. */
export function gatherScriptRow(parallelSsh: string): Tool {
  return {
    id: 'ssh-gather',
    label: "OpenSSH sending conntrack-fleet's gather script (what check asks of each host)",
    // the state check reads: untuned hosts, so the script reads what it reads in the check row
    needs: 'clean',
    changesHosts: false,
    async run(ctx: BenchContext) {
      const scriptFile = path.join(ctx.tmp, 'gather.sh');
      await writeFile(scriptFile, checkGatherScript(Date.now()));
      const input = await readFile(ctx.hostsFile, 'utf8');
      const result = await runTimed(parallelSsh, [String(ctx.forks), 'sh -s', scriptFile], { input });
      const ok = result.exitCode === 0;
      const summary = ok ? `${ctx.hosts} ok` : `exit ${result.exitCode}: ${result.stderr.trim().slice(-300)}`;
      return { wallS: result.wallS, cpuS: result.cpuS, maxRssMb: result.maxRssMb, ok, summary };
    },
  };
}
