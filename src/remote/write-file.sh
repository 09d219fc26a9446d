# shellcheck shell=sh
# The one write path for every file written on a host; see src/steps/write-file-sh.ts. Needs link-chain.sh.
# lc_end and lc_chain are set by lc_walk (link-chain.sh, sent first); ctf_err is read by the caller
# shellcheck disable=SC2154,SC2034
ctf_tmp=''
ctf_restore_links=${ctf_restore_links:-0}
trap 'if [ -n "$ctf_tmp" ]; then rm -f "$ctf_tmp"; fi' EXIT
ctf_relink() {
  while [ "$#" -ge 2 ]; do
    if [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; then shift 2; continue; fi
    if [ -d "$1" ] && [ ! -L "$1" ]; then ctf_err="$1 is a directory, expected a symlink to $2"; return 1; fi
    lc_dir "$1"; ctf_ltmp="$lc_dir/.conntrack-fleet-link.$$"
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
      if [ -L "$ctf_path" ] && [ -d "$ctf_path" ]; then rm -f "$ctf_path"; fi
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
ctf_write_file() {
  ctf_path=$1 ctf_b64=$2 ctf_mode=$3 ctf_uid=$4 ctf_gid=$5
  shift 5
  ctf_resolve_target "$@" || return 1
  lc_dir "$ctf_target"; ctf_dir=$lc_dir
  if ! ctf_tmp=$(mktemp "$ctf_dir/.conntrack-fleet.XXXXXX" 2>&1); then
    ctf_err=$ctf_tmp
    ctf_tmp=''
    return 1
  fi
  ctf_owner=:
  if [ "$ctf_uid" != - ]; then ctf_owner="$ctf_uid:$ctf_gid"; fi
  if ctf_err=$( { printf '%s' "$ctf_b64" | base64 -d > "$ctf_tmp" && { [ "$ctf_owner" = : ] || chown "$ctf_owner" "$ctf_tmp"; } && chmod "$ctf_mode" "$ctf_tmp"; } 2>&1 ) &&
    { sync "$ctf_tmp" 2>/dev/null || :; } && ctf_err=$(mv -f "$ctf_tmp" "$ctf_target" 2>&1); then
    ctf_tmp=''
    sync "$ctf_dir" 2>/dev/null || :
    return 0
  fi
  rm -f "$ctf_tmp"
  ctf_tmp=''
  return 1
}
