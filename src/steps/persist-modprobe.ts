/**
 * Makes the persisted hashsize the one kmod passes at boot: kmod merges the modprobe.d directories like
 * sysctl.d (modprobe.d(5)) and appends every `options nf_conntrack` line in read order, so the kernel takes the
 * LAST hashsize= of the last file that sets one (then the kernel command line's). When that line sets another
 * value, it and every other differing line read after ours are commented out (the user's files under /etc), or
 * the plan is refused with the file:line. Pure.
 */
import type { BootConfig } from '../facts/types.js';
import { planFileChange, readBytesText } from '../changes/file-state.js';
import { modprobeConfPath, readHashsizeLines, rewriteModprobeText } from './module-files.js';
import { isEditable, lineAt, shown, type BootFix } from './persist-boot.js';
import { modprobeReadOrder, type ReadFile } from './sysctl-order.js';

/** One `options nf_conntrack … hashsize=N` line; `line` counts from 1. */
interface HashsizeLine {
  file: ReadFile;
  line: number;
  value: string;
}

const sameLine = (a: HashsizeLine, b: HashsizeLine) => a.file.realPath === b.file.realPath && a.line === b.line;

/** Every hashsize= line of `files` in the order kmod reads them, or the first file that could not be read. */
function readLater(files: ReadFile[]): { lines: HashsizeLine[]; unreadable?: ReadFile } {
  const lines: HashsizeLine[] = [];
  for (const file of files) {
    if (!file.mentions) continue;
    if (file.state === null) return { lines, unreadable: file };
    lines.push(...readHashsizeLines(readBytesText(file.state)).map((found) => ({ file, ...found })));
  }
  return { lines };
}

function describeLine(found: HashsizeLine, winner: HashsizeLine, hashsize: number): string {
  const what = `${lineAt(found.file, found.line)} sets nf_conntrack hashsize=${found.value} and is read after ${modprobeConfPath} by modprobe`;
  if (sameLine(found, winner)) return `${what}, so it wins over ${hashsize}`;
  return `${what}; ${lineAt(winner.file, winner.line)} sets it later, and without that line it would win over ${hashsize}`;
}

/** Comments out the differing lines read after ours, or refuses naming the one that wins (or would win). */
function neutraliseLater(config: BootConfig, hashsize: number): BootFix {
  const order = modprobeReadOrder(config, [modprobeConfPath]);
  const ours = order.findIndex((f) => f.path === modprobeConfPath);
  const found = readLater(ours < 0 ? [] : order.slice(ours + 1));
  if (found.unreadable)
    return {
      changes: [],
      notes: [],
      refusal: `${shown(found.unreadable)} is read after ${modprobeConfPath} by modprobe and could not be read`,
    };
  const winner = found.lines.at(-1);
  // the value kmod passes last is ours already: the lines before it lose anyway
  if (winner === undefined || winner.value === String(hashsize)) return { changes: [], notes: [] };
  const differing = found.lines
    .map((line) => (sameLine(line, winner) ? winner : line))
    .filter(
      (line, index, all) =>
        line.value !== String(hashsize) && all.findIndex((other) => sameLine(other, line)) === index,
    );
  const kept = isEditable(winner.file) ? differing.find((line) => !isEditable(line.file)) : winner;
  if (kept)
    return {
      changes: [],
      notes: [],
      refusal: `${describeLine(kept, winner, hashsize)}; it is not under /etc: remove it or set the same hashsize there`,
    };
  const fix: BootFix = {
    changes: [],
    notes: differing.map((line) => `${describeLine(line, winner, hashsize)}: commented out`),
  };
  for (const realPath of new Set(differing.map((line) => line.file.realPath))) {
    const file = differing.find((line) => line.file.realPath === realPath)!.file;
    const lines = new Set(differing.filter((line) => line.file.realPath === realPath).map((line) => line.line));
    const change = planFileChange(realPath, file.state, rewriteModprobeText(readBytesText(file.state), lines));
    if (change) fix.changes.push(change);
  }
  return fix;
}

/** `hashsize`: the value our file will hold, or null when it will hold none (then marked lines are restored). */
export function planModprobeBoot(config: BootConfig, hashsize: number | null): BootFix {
  const cmdline = config.cmdlineHashsize;
  if (hashsize !== null && cmdline !== null && cmdline !== String(hashsize)) {
    const refusal =
      `the kernel command line sets nf_conntrack.hashsize=${cmdline}, which kmod applies after every modprobe.d file, ` +
      `so if the next boot keeps it, it wins over ${hashsize}: remove it from the boot loader config or set_hashsize ${cmdline}`;
    return { changes: [], notes: [], refusal };
  }
  if (hashsize !== null) return neutraliseLater(config, hashsize);
  const fix: BootFix = { changes: [], notes: [] };
  const touched = new Set<string>();
  for (const file of config.files) {
    if (!isEditable(file) || touched.has(file.realPath) || !file.path.includes('/modprobe.d/')) continue;
    touched.add(file.realPath);
    const change = planFileChange(
      file.realPath,
      file.state,
      rewriteModprobeText(readBytesText(file.state), new Set(), true),
    );
    if (change) fix.changes.push(change);
  }
  return fix;
}
