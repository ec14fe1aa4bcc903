#!/usr/bin/env bash
# Installs the Debian packages of the matrix recipes: install-debian.sh PACKAGE…
# Debian starts a package's service on install (nginx on port 80, squid on 3128 …). The suite
# wants nothing listening but what it starts on loopback, so a policy-rc.d forbids those starts
# for the length of the install (unless the machine already has one).
set -euo pipefail
[ $# -gt 0 ] || exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-debian: not root or no apt-get; testing what is installed (missing servers are reported n/a)" >&2
  exit 0
fi
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || { echo "install-debian: all ${#} packages installed"; exit 0; }
policy=/usr/sbin/policy-rc.d
ours=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && ours=1
fi
trap '[ -z "$ours" ] || rm -f "$policy"' EXIT
echo "install-debian: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
