#!/bin/bash
# A hand-written parallel OpenSSH loop, as an operator would write it: one `ssh` per host, at most FORKS at once.
#   bench/parallel-ssh.sh FORKS COMMAND [INPUT] < hosts  (each line: PORT PRIVATE_KEY KNOWN_HOSTS, all root@127.0.0.1)
# INPUT: a file each ssh sends as the command's stdin (`sh -s` reading a script); default /dev/null, as ssh -n.
# Host keys are checked strictly against the lab's known_hosts; curve25519 as the tool's ssh2 offers first (OpenSSH
# 9.x would otherwise pick the post-quantum hybrid, which costs more CPU per login). Exit 1 when any host failed.
set -u
forks=$1
command=$2
input=${3:-/dev/null}
running=0
failed=0
while read -r port key known_hosts; do
  if ((running >= forks)); then
    wait -n || failed=1
    running=$((running - 1))
  fi
  ssh -F /dev/null -i "$key" -o IdentitiesOnly=yes -o UserKnownHostsFile="$known_hosts" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o KexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org \
    -o ConnectTimeout=30 -p "$port" root@127.0.0.1 "$command" <"$input" >/dev/null &
  running=$((running + 1))
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done
exit "$failed"
