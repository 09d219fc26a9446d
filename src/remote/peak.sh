# shellcheck shell=sh
# The peak file (src/facts/peak.ts, docs/sizing.md): the highest nf_conntrack_count `check` and `watch` have seen on
# this host, one line `COUNT EPOCH_SECONDS SOURCE`. Needs cf_pk_out NAME VALUE from the caller (its output format).
#
# cf_peak FILE MODE COUNT_FILE AT SOURCE [SEEN SEEN_AT]
#   always prints what FILE holds: `peak_stored LINE`, or `peak_read none|unreadable`;
#   MODE keep also replaces FILE when the higher of COUNT_FILE's count (at AT) and SEEN (a count the controller saw
#   earlier, at SEEN_AT) is above the stored count, and prints `peak_write wrote|not-higher|no-count|not-writable|failed …`.
# Nothing else is written: a temp file beside FILE, renamed over it (rename(2) is atomic); the directory is made
# (0700, as the journal's) only when a new peak must be kept. Processes only when writing: cat, mv (and mkdir).
cf_pk_nl='
'
# a count as the shell can compare it: digits only, at most 15 of them
cf_pk_digits() {
  case $1 in ''|*[!0-9]*) return 1 ;; esac
  [ ${#1} -le 15 ]
}

cf_peak_read() {
  cf_pk_line='' cf_pk_stored=0
  if [ -d "$1" ]; then cf_pk_out peak_read unreadable
  elif [ -r "$1" ]; then
    { IFS= read -r cf_pk_line < "$1"; } 2>/dev/null || :
    cf_pk_out peak_stored "$cf_pk_line"
    cf_pk_stored=${cf_pk_line%% *}
    cf_pk_digits "$cf_pk_stored" || cf_pk_stored=0
  elif [ -e "$1" ] || { [ -d "$cf_pk_dir" ] && [ ! -x "$cf_pk_dir" ]; }; then cf_pk_out peak_read unreadable
  else cf_pk_out peak_read none
  fi
}

cf_peak() {
  cf_pk_dir=${1%/*}
  cf_peak_read "$1"
  [ "$2" = keep ] || return 0
  # not `read`: an integer sysctl answers a read at offset > 0 with EOF, and dash reads one byte at a time. In the
  # gather the count is among the lines of its shared grep (cf_lines, gather.sh): no cat
  cf_pk_count='' cf_pk_at=$4
  case ${cf_lines:-} in *"$cf_pk_nl$3:"*) cf_pk_count=$(cf_lines_of "$3:" strip) ;; esac
  [ -n "$cf_pk_count" ] || cf_pk_count=$(cat "$3" 2>/dev/null)
  cf_pk_digits "$cf_pk_count" || cf_pk_count=''
  if cf_pk_digits "${6:-}" && { [ -z "$cf_pk_count" ] || [ "$6" -gt "$cf_pk_count" ]; }; then cf_pk_count=$6 cf_pk_at=$7; fi
  if [ -z "$cf_pk_count" ]; then cf_pk_out peak_write no-count; return 0; fi
  if [ "$cf_pk_count" -le "$cf_pk_stored" ]; then cf_pk_out peak_write not-higher; return 0; fi
  if [ -d "$1" ]; then cf_pk_out peak_write "failed $1 is a directory"; return 0; fi
  [ -d "$cf_pk_dir" ] || ( umask 077 && mkdir -p "$cf_pk_dir" ) 2>/dev/null
  if [ ! -d "$cf_pk_dir" ] || [ ! -w "$cf_pk_dir" ]; then cf_pk_out peak_write not-writable; return 0; fi
  cf_pk_tmp="$cf_pk_dir/.peak.$$"
  if cf_pk_err=$( { umask 077 && printf '%s %s %s\n' "$cf_pk_count" "$cf_pk_at" "$5" > "$cf_pk_tmp" && mv -f "$cf_pk_tmp" "$1"; } 2>&1 ); then
    cf_pk_out peak_write "wrote $cf_pk_count $cf_pk_at $5"
  else
    rm -f "$cf_pk_tmp" 2>/dev/null
    cf_pk_out peak_write "failed ${cf_pk_err%%"$cf_pk_nl"*}"
  fi
}
