# shellcheck shell=sh
# The host lock (src/runner/host-lock.ts). Needs records.sh. cf_lock LOCK_FILE OWNER_FILE OWNER prints ONE record —
# `locked`, `busy OWNER`, `unsupported REASON` or `unsupported-open ERRNO TEXT` — and, when locked, holds the flock
# until the controller closes stdin or the connection drops (the lock dies with the channel: no stale lock).
cf_lock() {
  command -v flock >/dev/null 2>&1 || { cf_rec unsupported "flock not found"; return 0; }
  # a failed redirection on `exec` would end sh at once, so try it in a subshell first; its stderr names the errno
  if ! cf_lock_err=$( ( : >> "$1" ) 2>&1 ); then
    cf_rec unsupported-open "$cf_lock_err"
    return 0
  fi
  exec 9>>"$1"
  if flock -n 9; then
    printf '%s\n' "$3" > "$2"
    cf_rec locked
    # held until stdin ends, with builtins: no cat, no rm (an empty owner file names nobody, as a missing one)
    # shellcheck disable=SC2034
    while read -r cf_line; do :; done
    : > "$2"
  else
    cf_owner=''
    if [ -e "$2" ]; then read -r cf_owner < "$2" || :; fi
    cf_rec busy "${cf_owner:-an unknown run}"
  fi
}
