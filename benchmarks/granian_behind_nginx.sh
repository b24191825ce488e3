#!/usr/bin/env bash
# A serving candidate that `make bench` measures, not one `make run` serves: the nginx of
# scripts/serve.sh in front of granian (an HTTP server written in Rust) on a Unix socket,
# with the connections between them kept alive, which gunicorn's sync workers cannot do.
#
#   PORT=8000 HEROES_RUN_DIR=/tmp/x GRANIAN=.venv/bin/granian benchmarks/granian_behind_nginx.sh
set -euo pipefail

cd "$(dirname "$0")/.."
RUN_DIR=$(realpath -m "$HEROES_RUN_DIR")
SOCKET="$RUN_DIR/granian.sock"
mkdir -p "$RUN_DIR"
scripts/nginx-config.sh "$RUN_DIR" "127.0.0.1:$PORT" "unix:$SOCKET" | sed \
    -e 's|^\( *\)server unix:\(.*\);|&\n\1keepalive 8;|' \
    -e 's|^\( *\)proxy_pass http://gunicorn;|&\n\1proxy_http_version 1.1;\n\1proxy_set_header Connection "";|' \
    >"$RUN_DIR/nginx.conf"
/usr/sbin/nginx -t -q -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e stderr

export DJANGO_NUM_PROXIES=1 DJANGO_TRUSTED_PROXIES=unix
"$GRANIAN" --interface wsgi --uds "$SOCKET" --uds-permissions 438 \
    --workers "${WEB_CONCURRENCY:-1}" --blocking-threads 1 --no-ws --access-log \
    heroproject.wsgi:application &
granian_pid=$!
/usr/sbin/nginx -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e stderr -g "daemon off;" &
nginx_pid=$!
trap 'kill -QUIT "$nginx_pid"; kill -TERM "$granian_pid"; wait' INT TERM
wait -n "$granian_pid" "$nginx_pid"
