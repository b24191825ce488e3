#!/usr/bin/env bash
# Writes deploy/nginx.conf, filled in, to stdout:
#
#   scripts/nginx-config.sh RUN_DIR LISTEN UPSTREAM > RUN_DIR/nginx.conf
#
# RUN_DIR holds nginx's pid and temporary files, LISTEN is the address clients connect to
# (127.0.0.1:8000), UPSTREAM the gunicorn nginx passes requests to (unix:/path/gunicorn.sock).
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 RUN_DIR LISTEN UPSTREAM" >&2; exit 2; }
cd "$(dirname "$0")/.."
sed -e "s|@PREFIX@|$1|g" -e "s|@LISTEN@|$2|g" -e "s|@UPSTREAM@|$3|g" deploy/nginx.conf
