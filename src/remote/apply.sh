# shellcheck shell=sh
# The apply/undo script's functions (src/changes/apply-script.ts renders the calls). Needs records.sh,
# link-chain.sh and write-file.sh. Every result is a record (cf_rec): `applied I`, `failed I CODE TEXT`,
# `read I TARGET STATE REST`, then `end ok|failed`.
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
  ctf_err=$(rm -f "$1" 2>&1) || return 1
  lc_dir "$1"; sync "$lc_dir" 2>/dev/null || :
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
# ctf_file I PATH [ENCODING DATA MODE UID GID CHAIN [LINK TARGET]...]: without the rest, removes PATH
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
  if [ "$2" = unload ]; then ctf_err=$(rmmod "$3" 2>&1); else ctf_err=$(modprobe "$3" 2>&1); fi
  ctf_rc=$?
  ctf_result "$1" "$ctf_rc" "$ctf_err"
  ctf_read_module "$1" "$3"
  return "$ctf_rc"
}
ctf_stop() {
  cf_rec end failed
  exit 1
}
ctf_end() {
  if [ "$1" = 0 ]; then cf_rec end ok; else ctf_stop; fi
}
