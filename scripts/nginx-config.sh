#!/usr/bin/env bash
# Writes deploy/nginx.conf, filled in, to stdout:
#
#   scripts/nginx-config.sh RUN_DIR LISTEN UPSTREAM > RUN_DIR/nginx.conf
#
# RUN_DIR holds nginx's pid and temporary files, LISTEN is the address clients connect to
# (127.0.0.1:8000), UPSTREAM the gunicorn nginx passes requests to (unix:/path/gunicorn.sock).
#
# NGINX_ANONYMOUS_RATE: requests per second each client address may send without an
# Authorization header (default 20; 0 turns the limit off), NGINX_ANONYMOUS_BURST how many
# it may send at once above that rate (default 40). Past them nginx answers 429 JSON.
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
RATE=${NGINX_ANONYMOUS_RATE:-20}
BURST=${NGINX_ANONYMOUS_BURST:-40}
for value in "$RATE" "$BURST"; do
    [[ "$value" =~ ^[0-9]+$ ]] || {
        echo "$0: NGINX_ANONYMOUS_RATE and NGINX_ANONYMOUS_BURST take whole numbers" >&2
        exit 2
    }
done
if [ "$RATE" -eq 0 ]; then
    limit=(-e "/@ANONYMOUS_LIMIT@/d")
else
    limit=(-e "s|  # @ANONYMOUS_LIMIT@$||" -e "s|@ANONYMOUS_RATE@|$RATE|g" -e "s|@ANONYMOUS_BURST@|$BURST|g")
fi
sed -e "s|@PREFIX@|$(escape "$1")|g" -e "s|@LISTEN@|$(escape "$2")|g" \
    -e "s|@UPSTREAM@|$(escape "$3")|g" "${limit[@]}" deploy/nginx.conf
