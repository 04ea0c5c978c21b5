#!/usr/bin/env bash
# Make sure the commands the tests run exist, installing Debian's packages when it can.
#
#   scripts/need-packages.sh COMMAND=PACKAGE...      e.g. chromium=chromium
#
# For each COMMAND missing from PATH, installs PACKAGE with apt-get (as root, or through
# passwordless sudo), running `apt-get update` only when the first attempt fails. When it
# cannot (no apt-get, no root), it names every missing package and how to install it,
# and exits 1 - so `make test` stops with that message instead of failing tests later.
set -euo pipefail

missing=()
for pair in "$@"; do
  command -v "${pair%%=*}" >/dev/null 2>&1 || missing+=("${pair#*=}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

explain() {
  echo "test-deps: missing ${missing[*]} ($1);" \
    "install with: apt-get install -y ${missing[*]} (Debian/Ubuntu package names)" >&2
  exit 1
}
command -v apt-get >/dev/null 2>&1 || explain "no apt-get on this machine"
if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  explain "this user cannot install packages"
fi

export DEBIAN_FRONTEND=noninteractive
echo "test-deps: installing ${missing[*]} (apt-get)" >&2
"${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
  { "${sudo[@]}" apt-get update -qq >/dev/null &&
    "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
  explain "apt-get install failed"
