# shellcheck shell=sh
# The apply/undo script's functions (src/changes/apply-script.ts renders the calls). Needs records.sh,
# link-chain.sh, write-file.sh and stage.sh. Every result is a record (cf_rec): `applied I`, `failed I CODE TEXT`,
# `read I TARGET STATE REST`, then `end ok|failed`. Before every change the directories owed an fsync by earlier
# renames (the journal's first) are synced (ctf_sync), and before `end` all of them.
# lc_chain is set by lc_walk; ctf_err by the write path
# shellcheck disable=SC2154,SC2034
set -u
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
ctf_result() {
  if [ "$2" = 0 ]; then cf_rec applied "$1"; else cf_rec failed "$1 $2 $3"; fi
}
# ctf_knob I PATH VALUE: a shell redirection, no process; its read-back comes with its neighbours' (ctf_read_knobs)
ctf_knob() {
  ctf_sync
  ctf_err=$( { printf '%s\n' "$3" > "$2"; } 2>&1 )
  ctf_rc=$?
  # dash says "I/O error" for every refused write and busybox says nothing: coreutils tee names the errno
  case $ctf_rc:$ctf_err in
    0:*) ;;
    *'I/O error'|*:) if command -v tee >/dev/null 2>&1; then
        ctf_err=$( { printf '%s\n' "$3" | tee "$2" >/dev/null; } 2>&1 ); ctf_rc=$?; fi ;;
  esac
  ctf_result "$1" "$ctf_rc" "$ctf_err"
  return "$ctf_rc"
}
# ctf_read_knobs 'I TARGET' PATH ...: reads every PATH back with ONE process. awk reads each file with one
# read(2) from offset 0 (dash's `read` takes a byte at a time, and proc_dointvec answers offset > 0 with EOF); an
# operand `cf_id=…` before each file names it (awk assigns operands in order, as POSIX awk(1) says).
ctf_read_knobs() {
  ctf_left=$#
  while [ "$ctf_left" -gt 0 ]; do
    ctf_id=$1 ctf_p=$2
    shift 2
    ctf_left=$((ctf_left - 2))
    if [ -e "$ctf_p" ]; then set -- "$@" "cf_id=$ctf_id" "$ctf_p"; else cf_rec read "$ctf_id absent"; fi
  done
  [ "$#" -eq 0 ] && return 0
  awk -v tok="$cf_tok" '
    function out() { if (id != "") printf "@@cf %s read %s value %s\n", tok, id, v }
    FNR == 1 { out(); id = cf_id; v = $0; next }
    { v = v " " $0 }
    END { out() }' "$@"
}
ctf_remove_file() {
  ctf_sync
  ctf_err=$(rm -f "$1" 2>&1) || return 1
  lc_dir "$1"; ctf_dirty_dir "$lc_dir"
}
# what is there now, through the same chain walk as the write: content, mode, owner of the end, then the links
ctf_read_file() {
  if ! lc_walk "$2"; then cf_rec read "$1 file unreadable symlink loop or unreadable link"; return; fi
  if [ ! -e "$2" ]; then
    if [ -n "$lc_chain" ]; then cf_rec read "$1 file unreadable dangling symlink"; else cf_rec read "$1 file absent"; fi
    return
  fi
  if ! ctf_sum=$(sha256sum < "$2" 2>&1); then cf_rec read "$1 file unreadable $ctf_sum"
  elif ! ctf_meta=$(stat -L -c '%a %u %g' "$2" 2>&1); then cf_rec read "$1 file unreadable $ctf_meta"
  else cf_rec read "$1 file value ${ctf_sum%% *} $ctf_meta$lc_chain"; fi
}
# ctf_read_files I PATH ...: ctf_read_file for each PATH, with ONE sha256sum and ONE stat for all that exist. Both
# print a line per operand in order (GNU sha256sum escapes a name with `\` or a newline and starts its line with
# `\`); when either fails, or a name holds a newline (busybox does not escape it), each file is read on its own.
ctf_read_files() {
  ctf_left=$# ctf_chains='' ctf_qpaths='' ctf_one=0
  while [ "$ctf_left" -gt 0 ]; do
    ctf_id=$1 ctf_p=$2
    shift 2
    ctf_left=$((ctf_left - 2))
    if lc_walk "$ctf_p" && [ -e "$ctf_p" ]; then
      set -- "$@" "$ctf_id" "$ctf_p"
      ctf_chains="$ctf_chains$lc_chain$cf_nl"
      ctf_quote "$ctf_p"
      ctf_qpaths="$ctf_qpaths $ctf_q"
      case $ctf_p in *"$cf_nl"*) ctf_one=1 ;; esac
    else ctf_read_file "$ctf_id" "$ctf_p"; fi
  done
  [ "$#" -gt 0 ] || return 0
  if [ "$ctf_one" = 1 ] || ! eval "ctf_sums=\$(sha256sum -- $ctf_qpaths 2>/dev/null)" ||
    ! eval "ctf_metas=\$(stat -L -c '%a %u %g' -- $ctf_qpaths 2>/dev/null)"; then
    while [ "$#" -gt 0 ]; do
      ctf_read_file "$1" "$2"
      shift 2
    done
    return 0
  fi
  ctf_sums="$ctf_sums$cf_nl" ctf_metas="$ctf_metas$cf_nl"
  while [ "$#" -gt 0 ]; do
    ctf_sum=${ctf_sums%%"$cf_nl"*} ctf_meta=${ctf_metas%%"$cf_nl"*} ctf_chain=${ctf_chains%%"$cf_nl"*}
    ctf_sums=${ctf_sums#*"$cf_nl"} ctf_metas=${ctf_metas#*"$cf_nl"} ctf_chains=${ctf_chains#*"$cf_nl"}
    ctf_sum=${ctf_sum#\\}
    cf_rec read "$1 file value ${ctf_sum%% *} $ctf_meta$ctf_chain"
    shift 2
  done
}
# ctf_file I PATH [ENCODING DATA MODE UID GID CHAIN [LINK TARGET]...]: without the rest, removes PATH. Its read-back
# comes with its neighbours' (ctf_read_files)
ctf_file() {
  ctf_i=$1 ctf_p=$2
  ctf_err=''
  if [ "$#" -eq 2 ]; then ctf_remove_file "$ctf_p"; else shift 2; ctf_write_file "$ctf_p" "$@"; fi
  ctf_rc=$?
  ctf_result "$ctf_i" "$ctf_rc" "$ctf_err"
  return "$ctf_rc"
}
ctf_read_module() {
  if ! ctf_mods=$(lsmod 2>&1); then cf_rec read "$1 module unknown $ctf_mods"; return; fi
  ctf_state=unloaded
  while read -r ctf_name ctf_rest; do
    if [ "$ctf_name" = "$2" ]; then ctf_state=loaded; fi
  done <<CTF_MODULES
$ctf_mods
CTF_MODULES
  cf_rec read "$1 module $ctf_state"
}
ctf_module() {
  ctf_sync
  if [ "$2" = unload ]; then ctf_err=$(rmmod "$3" 2>&1); else ctf_err=$(modprobe "$3" 2>&1); fi
  ctf_rc=$?
  ctf_result "$1" "$ctf_rc" "$ctf_err"
  ctf_read_module "$1" "$3"
  return "$ctf_rc"
}
# both: no `end` before every record (and no staged temp left: ctf_unstage does nothing when all were committed)
ctf_stop() {
  ctf_sync
  ctf_unstage
  cf_rec end failed
  exit 1
}
ctf_end() {
  ctf_sync
  ctf_unstage
  if [ "$1" = 0 ]; then cf_rec end ok; else ctf_stop; fi
}
