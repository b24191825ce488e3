#!/usr/bin/env bash
# Installs the named Debian packages that are not installed yet, e.g.
#   scripts/install-system-packages.sh chromium
# Waits for the dpkg lock instead of failing; refreshes package lists only if needed.
set -euo pipefail

missing=()
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
apt_get() {
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"
}

echo "Installing Debian packages: ${missing[*]}"
if ! apt_get install "${missing[@]}"; then
  # A fresh machine may have no package lists yet.
  apt_get update
  apt_get install "${missing[@]}"
fi
