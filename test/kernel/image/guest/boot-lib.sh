# shellcheck shell=sh
# Functions of the guest boot (sourced by /etc/init.d/rcS; the host tests source it too, with CONF_ROOT set).
# LOG, TAB, CONF_ROOT and PROC_SYS come from the caller.

say() {
  echo "ctf-boot: $*"
  echo "$*" >> "$LOG"
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }

mount_basics() {
  mount -t proc proc /proc
  mount -t sysfs sys /sys
  [ -c /dev/null ] || mount -t devtmpfs dev /dev
  mkdir -p /dev/pts /dev/shm
  mount -t devpts -o gid=5,mode=620 devpts /dev/pts
  mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
  mount -t tmpfs -o nosuid,nodev tmpfs /dev/shm
  mount -o remount,rw /
  hostname -F /etc/hostname
}

# First boot only: the host picks a firewall with `ctf.firewall=NAME` on the kernel command line.
provision_firewall() {
  name=$(sed -n 's/.*ctf\.firewall=\([a-z-]*\).*/\1/p' /proc/cmdline)
  marker=/var/lib/conntrack-fleet-test/provisioned
  [ -n "$name" ] && [ ! -e "$marker" ] || return 0
  mkdir -p /etc/iptables /etc/conntrack-fleet-test /var/lib/conntrack-fleet-test
  case "$name" in
    *-legacy) echo legacy > /etc/iptables/backend ;;
    *-nft) echo nft > /etc/iptables/backend ;;
  esac
  case "$name" in
    masquerade-*) printf '%s\n' '*nat' ':PREROUTING ACCEPT [0:0]' ':INPUT ACCEPT [0:0]' ':OUTPUT ACCEPT [0:0]' \
      ':POSTROUTING ACCEPT [0:0]' '-A POSTROUTING -o eth0 -j MASQUERADE' 'COMMIT' > /etc/iptables/rules.v4 ;;
    chain-loaded-nft) printf '%s\n' nft_chain_nat xt_MASQUERADE > /etc/conntrack-fleet-test/boot-modules ;;
    chain-loaded-legacy) printf '%s\n' iptable_nat xt_MASQUERADE > /etc/conntrack-fleet-test/boot-modules ;;
  esac
  echo "$name" > "$marker"
  say "provisioned firewall '$name'"
}

# systemd's conf-files order: *.conf by basename across the dirs, the first dir holding a basename wins.
list_conf_files() {
  for dir in "$CONF_ROOT"/etc/"$1" "$CONF_ROOT"/run/"$1" "$CONF_ROOT"/usr/local/lib/"$1" "$CONF_ROOT"/usr/lib/"$1"; do
    for file in "$dir"/*.conf; do
      [ -e "$file" ] || continue
      # A link to /dev/null masks the same name in later dirs: it takes the name, then is dropped.
      if [ "$(readlink -f "$file")" = /dev/null ]; then echo "${file##*/}${TAB}masked"; else echo "${file##*/}$TAB$file"; fi
    done
  done | awk -F"$TAB" '!seen[$1]++' | sort -t"$TAB" -k1,1 | cut -f2 | grep -vx masked
}

load_modules() {
  for file in $(list_conf_files modules-load.d); do
    for module in $(sed -e 's/[#;].*//' "$file"); do
      if ! modinfo "$module" > /dev/null 2>&1; then
        say "Failed to find module '$module'"
      elif out=$(modprobe -b "$module" 2>&1); then
        say "Inserted module '$module'"
      else
        say "Failed to insert module '$module': $out"
      fi
    done
  done
}

# key=value lines → ignore-flag TAB path TAB value; systemd turns dots into slashes unless the first separator is '/'.
parse_sysctl_file() {
  awk -v tab="$TAB" '
    /^[ \t]*([#;].*)?$/ { next }
    {
      eq = index($0, "=")
      if (eq == 0) { printf "%s:%d: Line is not an assignment, ignoring\n", FILENAME, FNR > "/dev/stderr"; next }
      key = substr($0, 1, eq - 1); value = substr($0, eq + 1)
      gsub(/^[ \t]+|[ \t]+$/, "", key); gsub(/^[ \t]+|[ \t]+$/, "", value)
      ignore = 0
      if (substr(key, 1, 1) == "-") { ignore = 1; key = substr(key, 2) }
      if (match(key, /[.\/]/) && substr(key, RSTART, 1) == ".") {
        gsub(/\./, "\001", key); gsub(/\//, ".", key); gsub(/\001/, "/", key)
      }
      print ignore tab key tab value
    }' "$1"
}

sysctl_conf_linked() {
  for file in $(list_conf_files sysctl.d); do
    [ "$(readlink -f "$file")" = "$(readlink -f "$CONF_ROOT"/etc/sysctl.conf)" ] && return 0
  done
  return 1
}

# Every assignment in systemd's file order, each key once with its last value (as systemd-sysctl writes them).
sysctl_assignments() {
  files=$(list_conf_files sysctl.d)
  sysctl_conf_linked || files="$files $CONF_ROOT/etc/sysctl.conf"
  for file in $files; do [ -f "$file" ] && parse_sysctl_file "$file"; done |
    awk -F"$TAB" '{ line[NR] = $0; last[$2] = NR } END { for (i = 1; i <= NR; i++) { split(line[i], f, FS); if (last[f[2]] == i) print line[i] } }'
}

apply_sysctl() {
  sysctl_assignments | while IFS="$TAB" read -r ignore path value; do
    if [ ! -e "$PROC_SYS/$path" ]; then
      [ "$ignore" = 1 ] || say "Couldn't write '$value' to '$path', ignoring: No such file or directory"
    elif err=$( (/usr/bin/printf '%s\n' "$value" > "$PROC_SYS/$path") 2>&1 ); then
      say "Set '$path' to '$value'"
    else
      [ "$ignore" = 1 ] || say "Couldn't write '$value' to '$path', ignoring: ${err##*: }"
    fi
  done
}

select_iptables_backend() {
  for tool in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -sfn "$tool-$1" "/usr/sbin/$tool"
  done
}

start_firewall() {
  backend=nft
  [ "$(cat /etc/iptables/backend 2>/dev/null)" = legacy ] && backend=legacy
  select_iptables_backend "$backend"
  say "iptables backend: $backend"
  if [ -f /etc/iptables/rules.v4 ]; then
    if out=$("iptables-$backend-restore" < /etc/iptables/rules.v4 2>&1); then say "restored /etc/iptables/rules.v4"
    else say "iptables-$backend-restore failed: $out"; fi
  fi
  [ -f /etc/conntrack-fleet-test/boot-modules ] || return 0
  for module in $(sed -e 's/#.*//' /etc/conntrack-fleet-test/boot-modules); do
    modprobe "$module" && say "loaded $module (chain-loaded fixture)"
  done
}

start_network() {
  modprobe virtio_net 2> /dev/null
  ip link set lo up
  ip addr add 10.0.2.15/24 dev eth0
  ip link set eth0 up
  ip route add default via 10.0.2.2
}

start_sshd() {
  mkdir -p /run/sshd
  chmod 0755 /run/sshd
  /usr/sbin/sshd -E /var/log/sshd.log && say "sshd started"
}

stage() {
  started=$(uptime_s)
  "$@"
  say "stage $1 done at ${started}s → $(uptime_s)s"
}
