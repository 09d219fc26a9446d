# shellcheck shell=sh
# The one write path for every file written on a host; see src/changes/write-file-sh.ts. Needs records.sh (cf_tok)
# and link-chain.sh. lc_end and lc_chain are set by lc_walk; ctf_err is read by the caller.
# shellcheck disable=SC2154,SC2034
ctf_tmp=''
ctf_n=0
ctf_restore_links=${ctf_restore_links:-0}
# directories whose entries changed (rename, removal) and still wait for their fsync, as quoted shell words
ctf_dirty=''
# temps staged for a later rename (apply.sh ctf_stage), as quoted shell words: removed if the script ends first
ctf_staged_tmps=''
trap 'if [ -n "$ctf_tmp" ]; then rm -f "$ctf_tmp"; fi; [ -z "$ctf_staged_tmps" ] || eval "rm -f -- $ctf_staged_tmps"; ctf_sync' EXIT
# ctf_quote WORD: ctf_q is WORD as one single-quoted shell word, without a process
ctf_quote() {
  ctf_q='' ctf_qr=$1
  while :; do
    case $ctf_qr in
      *"'"*) ctf_q="$ctf_q${ctf_qr%%"'"*}'\\''"; ctf_qr=${ctf_qr#*"'"} ;;
      *) break ;;
    esac
  done
  ctf_q="'$ctf_q$ctf_qr'"
}
# ctf_dirty_dir DIR: DIR's fsync is owed; it rides on the next sync(1) (ctf_sync), which comes before the next change,
# before the script's `end` record and, at the latest, on exit (the EXIT trap)
ctf_dirty_dir() {
  ctf_quote "$1"
  case " $ctf_dirty " in *" $ctf_q "*) ;; *) ctf_dirty="$ctf_dirty $ctf_q" ;; esac
}
# ctf_sync [PATH]...: ONE sync(1) for PATH... and every owed directory, or no process when there is nothing. With
# operands, coreutils and busybox sync fsync(2) each in order and go on past one that fails (sync.c; `man sync`)
ctf_sync() {
  eval "set -- \"\$@\" $ctf_dirty"
  ctf_dirty=''
  [ "$#" -eq 0 ] || sync "$@" 2>/dev/null || :
}
ctf_relink() {
  while [ "$#" -ge 2 ]; do
    if [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; then shift 2; continue; fi
    if [ -d "$1" ] && [ ! -L "$1" ]; then ctf_err="$1 is a directory, expected a symlink to $2"; return 1; fi
    lc_dir "$1"; ctf_ltmp="$lc_dir/.conntrack-fleet-link.$$"
    # a link changes here: what the journal says must be on disk first
    ctf_sync
    # a link to a directory would make mv move INTO it: remove the link itself first
    if [ -L "$1" ] && [ -d "$1" ]; then rm -f "$1"; fi
    if ! ctf_err=$( { rm -f "$ctf_ltmp" && ln -s "$2" "$ctf_ltmp" && mv -f "$ctf_ltmp" "$1"; } 2>&1 ); then
      rm -f "$ctf_ltmp"
      return 1
    fi
    shift 2
  done
}
ctf_resolve_target() {
  ctf_want=$1
  shift
  if ! lc_walk "$ctf_path"; then ctf_err="$ctf_path: symlink loop or unreadable link"; return 1; fi
  if [ "$lc_chain" != "$ctf_want" ]; then
    if [ "$ctf_restore_links" != 1 ]; then
      ctf_err="$ctf_path: its symlinks changed since the facts were read; nothing written"
      return 1
    fi
    if [ -z "$ctf_want" ]; then
      if [ -L "$ctf_path" ] && [ -d "$ctf_path" ]; then ctf_sync; rm -f "$ctf_path"; fi
      lc_end=$ctf_path
    else
      ctf_relink "$@" || return 1
      if ! lc_walk "$ctf_path" || [ "$lc_chain" != "$ctf_want" ]; then ctf_err="$ctf_path: its symlinks could not be put back"; return 1; fi
    fi
  elif [ -n "$ctf_want" ] && [ "$ctf_restore_links" != 1 ] && [ ! -e "$lc_end" ]; then
    ctf_err="$ctf_path: its symlink now dangles ($lc_end is missing); nothing written"
    return 1
  fi
  if [ -d "$lc_end" ] && [ ! -L "$lc_end" ]; then ctf_err="$lc_end is a directory"; return 1; fi
  ctf_target=$lc_end
}
# ctf_me: OWNER:GROUP a file this shell creates gets (fsuid, fsgid), read once from /proc without a process
ctf_new_owner() {
  [ -z "${ctf_me:-}" ] || return 0
  ctf_me=unknown
  [ -r /proc/self/status ] || return 0
  while read -r ctf_k ctf_r ctf_e ctf_s ctf_f; do
    case $ctf_k in
      Uid:) ctf_u=$ctf_f ;;
      Gid:) ctf_me="${ctf_u:-}:$ctf_f" ;;
    esac
  done < /proc/self/status
}
# ctf_umask MODE: the umask under which a new file gets exactly MODE; fails for modes a creation cannot give
# (execute or special bits): those are set by chmod
ctf_umask() {
  case $1 in
    [0246][0246][0246]) ctf_m2=${1#?}; umask "$((7 - ${1%??}))$((7 - ${ctf_m2%?}))$((7 - ${1#??}))" ;;
    *) return 1 ;;
  esac
}
# ctf_put ENCODING DATA: the bytes into the new temp file; noclobber makes the create exclusive (O_EXCL)
ctf_put() {
  set -C
  if [ "$1" = text ]; then printf '%s' "$2" > "$ctf_tmp"; else printf '%s' "$2" | base64 -d > "$ctf_tmp"; fi
  ctf_rc=$?
  set +C
  return "$ctf_rc"
}
ctf_fail_tmp() {
  rm -f "$ctf_tmp"
  ctf_tmp=''
  return 1
}
# ctf_write_file PATH ENCODING DATA MODE UID GID CHAIN [LINK TARGET]...
#   ENCODING text: DATA is the bytes; base64: DATA is their base64. UID/GID '-' keep the writer's owner.
ctf_write_file() {
  ctf_stage_file "$@" || return 1
  # fsync before the rename, so a crash leaves the old file or the whole new one. The same sync(1) carries the
  # directories owed by earlier renames (the journal's among them), so they are on disk before this rename too
  ctf_sync "$ctf_tmp"
  ctf_rename
}
# ctf_rename: the temp ctf_tmp (fsynced) onto ctf_target; the fsync of the new entry in ctf_dir is owed
ctf_rename() {
  if ! ctf_err=$(mv -f "$ctf_tmp" "$ctf_target" 2>&1); then ctf_fail_tmp; return 1; fi
  ctf_tmp=''
  ctf_dirty_dir "$ctf_dir"
}
# ctf_stage_file (the arguments of ctf_write_file): everything but the fsync and the rename. Sets ctf_tmp, a new temp
# holding the bytes with their mode and owner beside ctf_target, in ctf_dir.
ctf_stage_file() {
  ctf_path=$1 ctf_enc=$2 ctf_data=$3 ctf_mode=$4 ctf_uid=$5 ctf_gid=$6
  shift 6
  ctf_resolve_target "$@" || return 1
  lc_dir "$ctf_target"; ctf_dir=$lc_dir
  # named from the script's token, not by mktemp: no process; an existing name is refused, never reused
  ctf_n=$((ctf_n + 1))
  ctf_tmp="$ctf_dir/.conntrack-fleet.$cf_tok.$ctf_n"
  ctf_chmod=0
  ctf_umask "$ctf_mode" || { umask 077; ctf_chmod=1; }
  if [ -e "$ctf_tmp" ] || [ -L "$ctf_tmp" ]; then ctf_err="$ctf_tmp already exists; nothing written"; ctf_tmp=''; return 1; fi
  if ! ctf_put "$ctf_enc" "$ctf_data" 2>/dev/null; then
    # again, only to name the errno (the shell's message)
    rm -f "$ctf_tmp"
    ctf_err=$(ctf_put "$ctf_enc" "$ctf_data" 2>&1)
    # each shell words it its own way (dash "sh: 1: cannot create T: E", bash "sh: line 1: T: E"): keep E
    case $ctf_err in *"$ctf_tmp: "*) ctf_err="cannot create $ctf_tmp: ${ctf_err##*"$ctf_tmp": }" ;; esac
    ctf_fail_tmp; return 1
  fi
  ctf_owner=''
  if [ "$ctf_uid" != - ]; then
    ctf_new_owner
    # a set-group-ID directory gives its own group: chown then, too
    if [ "$ctf_me" != "$ctf_uid:$ctf_gid" ] || [ -g "$ctf_dir" ]; then ctf_owner="$ctf_uid:$ctf_gid"; fi
  fi
  if [ -n "$ctf_owner" ] && ! ctf_err=$(chown "$ctf_owner" "$ctf_tmp" 2>&1); then ctf_fail_tmp; return 1; fi
  if [ "$ctf_chmod" = 1 ] && ! ctf_err=$(chmod "$ctf_mode" "$ctf_tmp" 2>&1); then ctf_fail_tmp; return 1; fi
}
