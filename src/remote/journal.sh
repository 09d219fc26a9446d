# shellcheck shell=sh
# The journal, the apply lock and the step ticket (src/runner/journal.ts). Needs records.sh, link-chain.sh and
# write-file.sh. Refusals are records: `journal-failed TEXT` (exit 97), `stale CURRENT` (exit 98); the text goes to
# stderr too, for callers that read only the exit status and stderr.
# ctf_err is set by the write path
# shellcheck disable=SC2154
cf_refuse() {
  cf_rec "$1" "$2"
  printf 'conntrack-fleet: %s: %s\n' "$1" "$2" >&2
  exit "$3"
}
# cf_apply_lock FILE WAIT_S: flock on FILE for the rest of the script (fd 8), so a script left running by a
# controller that died is waited for, never raced. cf_locked=1 when held; 0 where flock or FILE's directory is missing.
cf_apply_lock() {
  cf_locked=0
  command -v flock >/dev/null 2>&1 || return 0
  # `command` keeps a failed redirection on `exec` from ending sh (POSIX: it drops special-built-in properties)
  { command exec 8>>"$1"; } 2>/dev/null || return 0
  flock -w "$2" 8 || cf_refuse journal-failed "another change script still runs after $2s" 97
  cf_locked=1
}
# cf_ticket FILE RUN STEP: the late-script guard, under the apply lock. FILE holds `RUN STEP` of the last change
# script that took the lock. Step 1 of RUN needs FILE not to name RUN; step N needs `RUN N-1`; STEP `undo` (a
# rollback) always passes. So a step script that lost its connection before taking the lock, and got it only after
# the rollback wrote `RUN undo`, exits here without writing anything.
cf_ticket() {
  [ "$cf_locked" = 1 ] || return 0
  cf_now=''
  if [ -e "$1" ]; then read -r cf_now < "$1" || :; fi
  case $3 in
    undo) ;;
    1) case $cf_now in "$2 "*) cf_refuse stale "$cf_now" 98 ;; esac ;;
    *) [ "$cf_now" = "$2 $(($3 - 1))" ] || cf_refuse stale "${cf_now:-nothing}" 98 ;;
  esac
  # tmpfs, no fsync: a reboot ends every script the ticket guards against
  umask 077
  printf '%s %s\n' "$2" "$3" > "$1" || cf_refuse journal-failed "cannot write $1" 97
}
# cf_prune DIR KEEP: removes the journals in DIR beyond the newest KEEP - 1 by modification time (what `ls -t`
# orders by), found with test's -ot (a builtin in dash, bash and busybox ash): one rm, and only when there are any
cf_prune() {
  cf_over=$((1 - $2)) cf_gone=''
  for cf_f in "$1"/*.json; do [ -f "$cf_f" ] && cf_over=$((cf_over + 1)); done
  while [ "$cf_over" -gt 0 ]; do
    cf_old=''
    for cf_f in "$1"/*.json; do
      [ -f "$cf_f" ] || continue
      ctf_quote "$cf_f"
      case " $cf_gone " in *" $ctf_q "*) continue ;; esac
      # shellcheck disable=SC3013 # not POSIX, but in every sh this runs under; elsewhere the glob's order decides
      if [ -z "$cf_old" ] || [ "$cf_f" -ot "$cf_old" ] 2>/dev/null; then cf_old=$cf_f; fi
    done
    ctf_quote "$cf_old"
    cf_gone="$cf_gone $ctf_q"
    cf_over=$((cf_over - 1))
  done
  [ -z "$cf_gone" ] || eval "rm -f -- $cf_gone"
}
# cf_journal PATH DIR KEEP JSON: the journal through the one write path (mode 0600, directory 0700). The run's first
# write prunes the journals beyond the newest KEEP (this one counted), so later steps prune nothing.
cf_journal() {
  if [ ! -e "$1" ]; then cf_prune "$2" "$3"; fi
  if [ ! -d "$2" ] && ! cf_err=$( (umask 077 && mkdir -p "$2") 2>&1 ); then cf_refuse journal-failed "$cf_err" 97; fi
  ctf_write_file "$1" text "$4" 600 - - '' || cf_refuse journal-failed "${ctf_err:-}" 97
}
