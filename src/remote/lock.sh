# shellcheck shell=sh
# The host lock (src/runner/host-lock.ts): cf_lock LOCK_FILE OWNER_FILE OWNER prints ONE status line — `locked`,
# `busy OWNER`, `unsupported REASON` or `unsupported-open ERRNO TEXT` — and, when locked, holds the flock until the
# controller closes stdin or the connection drops (the lock dies with the channel: no stale lock).
cf_lock() {
  command -v flock >/dev/null 2>&1 || { echo "unsupported flock not found"; return 0; }
  # a failed redirection on `exec` would end sh at once, so try it in a subshell first; its stderr names the errno
  if ! cf_lock_err=$( ( : >> "$1" ) 2>&1 ); then
    printf 'unsupported-open %s\n' "$(printf '%s' "$cf_lock_err" | tr '\n' ' ')"
    return 0
  fi
  exec 9>>"$1"
  if flock -n 9; then
    printf '%s\n' "$3" > "$2"
    echo locked
    cat > /dev/null
    rm -f "$2"
  else
    echo "busy $(cat "$2" 2>/dev/null || echo 'an unknown run')"
  fi
}
