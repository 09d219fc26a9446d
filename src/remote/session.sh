# shellcheck shell=sh
# Start of the one long-lived `sh -s` session per host (src/transport/shell-session.ts). Every request runs in a
# subshell with stdin from /dev/null (so it never eats the requests after it) and ends with cf_reply: the end marker
# and exit status, on stdout and on stderr, that src/transport/frame.ts parses.
cf_reply() {
  printf '\n@@cf-end %s %s\n' "$1" "$2"
  printf '\n@@cf-end %s %s\n' "$1" "$2" >&2
}
