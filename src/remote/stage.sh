# shellcheck shell=sh
# Files staged together by the apply/undo script (src/changes/apply-script.ts): every temp made first (ctf_stage),
# then ONE sync(1) for all of them and the renames (ctf_commit). Needs records.sh and write-file.sh; ctf_result is
# apply.sh's (called only once both are loaded).
# shellcheck disable=SC2154
# Staged files: their records wait in ctf_recs (ctf_later) until no temp of theirs is left, because a record printed
# into a lost connection ends the script (SIGPIPE, no EXIT trap) and would strand the temps.
ctf_staged='' ctf_recs=''
ctf_later() {
  ctf_quote "$3"
  ctf_recs="$ctf_recs ctf_result $1 $2 $ctf_q;"
}
# ctf_unstage: removes the temps still staged (one rm; only on a failure), then prints the records waiting
ctf_unstage() {
  [ -z "$ctf_staged_tmps" ] || eval "rm -f -- $ctf_staged_tmps"
  ctf_staged_tmps='' ctf_staged=''
  eval "$ctf_recs"
  ctf_recs=''
}
# ctf_stage I PATH ENCODING DATA MODE UID GID CHAIN [LINK TARGET]...: the new file's temp, kept for ctf_commit
# (nothing visible changes yet, except links an undo puts back); `failed I` (later) when it cannot be made
ctf_stage() {
  ctf_i=$1
  shift
  ctf_err=''
  if ! ctf_stage_file "$@"; then
    ctf_later "$ctf_i" 1 "$ctf_err"
    return 1
  fi
  for ctf_w in "$ctf_i" "$ctf_tmp" "$ctf_target" "$ctf_dir"; do
    ctf_quote "$ctf_w"
    ctf_staged="$ctf_staged $ctf_q"
  done
  ctf_quote "$ctf_tmp"
  ctf_staged_tmps="$ctf_staged_tmps $ctf_q"
  ctf_tmp=''
}
# ctf_rest_tmps [I TMP TARGET DIR]...: ctf_staged_tmps names only these temps (the ones not renamed yet)
ctf_rest_tmps() {
  ctf_staged_tmps=''
  while [ "$#" -ge 4 ]; do
    ctf_quote "$2"
    ctf_staged_tmps="$ctf_staged_tmps $ctf_q"
    shift 4
  done
}
# ctf_commit [all]: ONE sync(1) for every staged temp (and the directories owed, the journal's among them), each
# renamed in order, their directories synced, then the records, `applied I` or `failed I`. Returns 1 at the first
# failure (the rest unstaged), or with `all` after trying each
ctf_commit() {
  ctf_all=${1:-}
  eval "ctf_sync $ctf_staged_tmps"
  eval "set -- $ctf_staged"
  ctf_staged='' ctf_rc=0
  while [ "$#" -ge 4 ]; do
    ctf_tmp=$2 ctf_target=$3 ctf_dir=$4 ctf_err=''
    if ctf_rename; then ctf_later "$1" 0 ''; else ctf_later "$1" 1 "$ctf_err"; ctf_rc=1; fi
    shift 4
    ctf_rest_tmps "$@"
    if [ "$ctf_rc" = 1 ] && [ "$ctf_all" != all ]; then break; fi
  done
  # the temps left (after a failure) go before any record; the directories are synced before the records
  # say `applied`, as a single write does
  ctf_sync
  ctf_unstage
  return "$ctf_rc"
}
