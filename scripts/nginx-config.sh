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
# The values go between nginx's double quotes and into sed's replacement: refuse what would
# end the one, and escape what the other reads as its own (| and &).
for value in "$@"; do
    case $value in
        *'"'* | *\\* | *$'\n'*)
            echo "$0: a path with a double quote, backslash or newline: $value" >&2
            exit 2
            ;;
    esac
done
escape() { printf '%s' "$1" | sed -e 's/[|&]/\\&/g'; }
sed -e "s|@PREFIX@|$(escape "$1")|g" -e "s|@LISTEN@|$(escape "$2")|g" \
    -e "s|@UPSTREAM@|$(escape "$3")|g" deploy/nginx.conf
