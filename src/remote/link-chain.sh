# shellcheck shell=sh
# Symlink chain walker shared by the gather (snapshot) and the write path; see src/facts/link-chain-sh.ts.
lc_hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
# lc_dir PATH: sets lc_dir to dirname(1) of PATH without a process (a name without a slash is in ".")
lc_dir() {
  case $1 in
    */*) lc_dir=${1%/*}; [ -n "$lc_dir" ] || lc_dir=/ ;;
    *) lc_dir=. ;;
  esac
}
lc_walk() {
  lc_chain='' lc_end=$1 lc_count=0
  while [ -L "$lc_end" ]; do
    lc_count=$((lc_count + 1))
    [ "$lc_count" -le 40 ] || return 1
    lc_target=$(readlink "$lc_end") || return 1
    lc_chain="$lc_chain $(lc_hex "$lc_end")=$(lc_hex "$lc_target")"
    case $lc_target in
      /*) lc_end=$lc_target ;;
      *) lc_dir "$lc_end"; lc_end=$lc_dir/$lc_target ;;
    esac
  done
}
