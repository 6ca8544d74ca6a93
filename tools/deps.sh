#!/usr/bin/env bash
# deps.sh: install the Debian packages weft needs, or say exactly how to.
#
# Usage: tools/deps.sh PACKAGE...
# Every package already installed is skipped, so a second run costs a few
# dpkg look-ups. As root the missing ones are installed with apt-get; as
# anyone else the exact command is printed and the script fails, because a
# build that half-works without its tools is worse than one that stops.
set -eu
missing=()
for p in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "weft: missing packages: ${missing[*]}" >&2
  echo "weft: run as root:  apt-get update && $cmd" >&2
  exit 1
fi
echo "weft: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
$cmd >&2
