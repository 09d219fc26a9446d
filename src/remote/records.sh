# shellcheck shell=sh
# Records: the one line format every remote script reports in (src/remote/records.ts parses it).
# cf_rec KIND [TEXT]: prints `@@cf TOKEN KIND TEXT` on stdout; cf_tok (set first by the controller) is random per
# script, so no command's output can pass for a record. A newline in TEXT becomes a space, without a process.
# shellcheck disable=SC2154
cf_nl='
'
cf_rec() {
  cf_text=${2:-}
  while :; do
    case $cf_text in
      *"$cf_nl"*) cf_text="${cf_text%%"$cf_nl"*} ${cf_text#*"$cf_nl"}" ;;
      *) break ;;
    esac
  done
  printf '@@cf %s %s %s\n' "$cf_tok" "$1" "$cf_text"
}
