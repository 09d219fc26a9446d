/**
 * The sh script that applies one step's changes in one round trip and reads each back.
 * Output protocol (stdout, one line each, parsed by apply-output.ts):
 *   CTF <i> applied | CTF <i> failed <exit code> <stderr>
 *   CTF <i> read knob value <v> | CTF <i> read knob absent | CTF <i> read mirror.<j> …
 *   CTF <i> read file value <sha256> <mode> <uid> <gid> [<hex link>=<hex target>…] | CTF <i> read file absent
 *   CTF <i> read module loaded|unloaded | CTF <i> read module unknown <lsmod error>
 *   CTF end ok | CTF end failed
 */
import { quoteShell } from '../transport/quote.js';
import { encodeLinkChain } from '../facts/link-chain-sh.js';
import { formatMode, linksOf } from './file-state.js';
import { mirrorsOf } from './knob-change.js';
import type { Change } from './change.js';
import { writeFileFunctions } from './write-file-sh.js';

const functions = String.raw`set -u
${writeFileFunctions}
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
ctf_say() {
  printf 'CTF %s %s\n' "$1" "$(printf '%s' "$2" | tr '\r\n' '  ')"
}
ctf_result() {
  if [ "$2" = 0 ]; then ctf_say "$1" applied; else ctf_say "$1" "failed $2 $3"; fi
}
ctf_read_value() {
  if [ ! -e "$3" ]; then ctf_say "$1" "read $2 absent"
  elif ctf_val=$(cat "$3" 2>&1); then ctf_say "$1" "read $2 value $ctf_val"
  else ctf_say "$1" "read $2 unreadable $ctf_val"; fi
}
ctf_knob() {
  ctf_i=$1 ctf_p=$2 ctf_v=$3
  shift 3
  ctf_err=$( { printf '%s\n' "$ctf_v" > "$ctf_p"; } 2>&1 )
  ctf_rc=$?
  # dash says "I/O error" for every refused write and busybox says nothing: coreutils tee names the errno
  case $ctf_rc:$ctf_err in
    0:*) ;;
    *'I/O error'|*:) if command -v tee >/dev/null 2>&1; then
        ctf_err=$( { printf '%s\n' "$ctf_v" | tee "$ctf_p" >/dev/null; } 2>&1 ); ctf_rc=$?; fi ;;
  esac
  ctf_result "$ctf_i" "$ctf_rc" "$ctf_err"
  ctf_read_value "$ctf_i" knob "$ctf_p"
  ctf_j=0
  for ctf_mp in "$@"; do
    ctf_read_value "$ctf_i" "mirror.$ctf_j" "$ctf_mp"
    ctf_j=$((ctf_j + 1))
  done
  return "$ctf_rc"
}
ctf_remove_file() {
  ctf_err=$(rm -f "$1" 2>&1) || return 1
  lc_dir "$1"; sync "$lc_dir" 2>/dev/null || :
}
# what is there now, through the same chain walk as the write: content, mode, owner of the end, then the links
ctf_read_file() {
  if ! lc_walk "$2"; then ctf_say "$1" "read file unreadable symlink loop or unreadable link"; return; fi
  if [ ! -e "$2" ]; then
    if [ -n "$lc_chain" ]; then ctf_say "$1" "read file unreadable dangling symlink"; else ctf_say "$1" "read file absent"; fi
    return
  fi
  if ! ctf_sum=$(sha256sum < "$2" 2>&1); then ctf_say "$1" "read file unreadable $ctf_sum"
  elif ! ctf_meta=$(stat -L -c '%a %u %g' "$2" 2>&1); then ctf_say "$1" "read file unreadable $ctf_meta"
  else ctf_say "$1" "read file value ${'$'}{ctf_sum%% *} $ctf_meta$lc_chain"; fi
}
ctf_file() {
  ctf_i=$1 ctf_p=$2
  ctf_err=''
  if [ "$#" -eq 2 ]; then ctf_remove_file "$ctf_p"; else shift 2; ctf_write_file "$ctf_p" "$@"; fi
  ctf_rc=$?
  ctf_result "$ctf_i" "$ctf_rc" "$ctf_err"
  ctf_read_file "$ctf_i" "$ctf_p"
  return "$ctf_rc"
}
ctf_read_module() {
  if ! ctf_mods=$(lsmod 2>&1); then ctf_say "$1" "read module unknown $ctf_mods"; return; fi
  ctf_state=unloaded
  while read -r ctf_name ctf_rest; do
    if [ "$ctf_name" = "$2" ]; then ctf_state=loaded; fi
  done <<CTF_MODULES
$ctf_mods
CTF_MODULES
  ctf_say "$1" "read module $ctf_state"
}
ctf_module() {
  if [ "$2" = unload ]; then ctf_err=$(rmmod "$3" 2>&1); else ctf_err=$(modprobe "$3" 2>&1); fi
  ctf_rc=$?
  ctf_result "$1" "$ctf_rc" "$ctf_err"
  ctf_read_module "$1" "$3"
  return "$ctf_rc"
}
ctf_stop() {
  printf 'CTF end failed\n'
  exit 1
}`;

function checkPath(path: string): string {
  if (!path.startsWith('/')) throw new Error(`a change path must be absolute: ${path}`);
  return quoteShell(path);
}

/** Module names come from lsmod; anything else could be an option to rmmod. */
function checkModule(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`not a module name: ${name}`);
  return quoteShell(name);
}

function renderChange(change: Change, index: number): string {
  switch (change.kind) {
    case 'knob': {
      const mirrors = mirrorsOf(change).map((m) => ` ${checkPath(m.path)}`).join('');
      return `ctf_knob ${index} ${checkPath(change.path)} ${quoteShell(change.after)}${mirrors}`;
    }
    case 'file': {
      const { after } = change;
      if (after === null) {
        if (linksOf(change.before).length > 0) throw new Error(`will not remove a file reached through symlinks: ${change.path}`);
        return `ctf_file ${index} ${checkPath(change.path)}`;
      }
      const links = linksOf(after);
      const pairs = links.flatMap((link) => [checkPath(link.path), quoteShell(link.target)]);
      const fields = [after.contentBase64, formatMode(after.mode), after.uid, after.gid, encodeLinkChain(links)].map(quoteShell);
      return `ctf_file ${index} ${checkPath(change.path)} ${[...fields, ...pairs].join(' ')}`;
    }
    case 'module-unload':
      return `ctf_module ${index} unload ${checkModule(change.module)}`;
    case 'module-load':
      return `ctf_module ${index} load ${checkModule(change.module)}`;
  }
}

export interface ApplyScriptOptions {
  /** Attempt every change even after a failure (undo: each inverse counts). Default false. */
  continueOnError?: boolean;
  /** Undo: put back symlinks that changed since (write-file-sh.ts). Default false: a changed link fails the write. */
  restoreLinks?: boolean;
}

/** Applies the changes in order, stopping at the first failure; exits 1 when one failed, else 0. */
export function buildApplyScript(changes: Change[], options: ApplyScriptOptions = {}): string {
  const onFailure = options.continueOnError ? 'ctf_failed=1' : 'ctf_stop';
  const body = changes.map((change, index) => `${renderChange(change, index)} || ${onFailure}`);
  const end = `if [ "$ctf_failed" = 0 ]; then printf 'CTF end ok\\n'; else ctf_stop; fi`;
  const restore = `ctf_restore_links=${options.restoreLinks ? 1 : 0}`;
  return [functions, restore, 'ctf_failed=0', ...body, end, ''].join('\n');
}
