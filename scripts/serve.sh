#!/usr/bin/env bash
# Serves the API as the README recommends: nginx on PORT in front of gunicorn on a Unix socket.
#
#   PORT=8000 scripts/serve.sh      (make run calls it; expects the environment of make run)
#
# PORT is nginx's port on 127.0.0.1 (NGINX_LISTEN=0.0.0.0:80 to listen elsewhere),
# HEROES_RUN_DIR holds gunicorn's socket and nginx's pid, config and temporary files (default
# .run/PORT). gunicorn listens only on that socket, which only nginx connects to.
#
# Started as root, nginx runs its workers as nobody, who must reach the run dir. Where they
# cannot reach the default one (a clone in /root, which is 0700), this serves from a new
# directory of its own under /run (or /tmp) instead, and removes it when it stops.
#
# nginx (Debian's package) reads every request whole before gunicorn's sync workers see it,
# keeps client connections alive, gzips JSON and limits the rate of requests without
# credentials per client address (NGINX_ANONYMOUS_RATE, scripts/nginx-config.sh);
# deploy/nginx.conf says how. Both run in the
# foreground of this script: when either stops, or on Ctrl-C or SIGTERM, both stop.
set -euo pipefail

cd "$(dirname "$0")/.."
PORT=${PORT:-8000}
NGINX_LISTEN=${NGINX_LISTEN:-127.0.0.1:$PORT}
GUNICORN=${GUNICORN:-.venv/bin/gunicorn}
RUN_DIR=$(realpath -m "${HEROES_RUN_DIR:-.run/$PORT}")

mkdir -p "$RUN_DIR"
# One serve.sh per run dir: a second would take over the first one's socket.
exec 9>"$RUN_DIR/serve.lock"
if ! flock -n 9; then
    echo "serve.sh: another serve.sh is serving from $RUN_DIR; stop it, or set PORT or" \
        "HEROES_RUN_DIR" >&2
    exit 1
fi
OWN_RUN_DIR=
if [ "$(id -u)" -eq 0 ] && ! runuser -u nobody -- test -x "$RUN_DIR"; then
    # Started as root, nginx runs its workers as nobody, who keep request bodies there and
    # connect to gunicorn's socket. A directory given in HEROES_RUN_DIR is the operator's
    # choice: say so rather than serve from elsewhere.
    if [ -n "${HEROES_RUN_DIR:-}" ]; then
        echo "serve.sh: nginx's workers (user nobody) cannot reach $RUN_DIR;" \
            "set HEROES_RUN_DIR to a directory they can reach" >&2
        exit 1
    fi
    # mktemp makes a new directory with a name nobody can guess, root's and 0700, so no
    # other user can have made it first or put anything in it; /run, where only root may
    # create, when there is one. 0711: nginx's workers may pass through but not list it;
    # they write only in the temporary directories nginx makes for them, and reach the
    # socket through its own directory (below).
    parent=/run
    [ -d "$parent" ] && [ -w "$parent" ] || parent=/tmp
    OWN_RUN_DIR=$(mktemp -d "$parent/heroes-$PORT.XXXXXXXXXX")
    trap 'rm -rf -- "$OWN_RUN_DIR"' EXIT
    chmod 0711 "$OWN_RUN_DIR"
    echo "serve.sh: nginx's workers (user nobody) cannot reach $RUN_DIR; serving from" \
        "$OWN_RUN_DIR, removed on exit (or set HEROES_RUN_DIR)" >&2
    RUN_DIR=$OWN_RUN_DIR
fi
# gunicorn's socket, in a directory only nginx's workers and this user can enter.
SOCKET_DIR="$RUN_DIR/socket"
mkdir -p "$SOCKET_DIR"
if [ "$(id -u)" -eq 0 ]; then
    chgrp "$(id -gn nobody)" "$SOCKET_DIR"
    chmod 0710 "$SOCKET_DIR"
else
    chmod 0700 "$SOCKET_DIR"
fi
SOCKET="$SOCKET_DIR/gunicorn.sock"
if [ "${#SOCKET}" -gt 107 ]; then
    echo "serve.sh: $SOCKET is longer than a Unix socket path may be; set HEROES_RUN_DIR" \
        "to a shorter directory" >&2
    exit 1
fi
scripts/nginx-config.sh "$RUN_DIR" "$NGINX_LISTEN" "unix:$SOCKET" >"$RUN_DIR/nginx.conf"
/usr/sbin/nginx -t -q -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e stderr

# nginx is one more proxy, on the Unix socket: DJANGO_NUM_PROXIES and DJANGO_TRUSTED_PROXIES,
# if set, count and list the proxies in front of nginx (a load balancer).
export DJANGO_NUM_PROXIES=$((${DJANGO_NUM_PROXIES:-0} + 1))
export DJANGO_TRUSTED_PROXIES="unix${DJANGO_TRUSTED_PROXIES:+,$DJANGO_TRUSTED_PROXIES}"
GUNICORN_BIND="unix:$SOCKET" "$GUNICORN" --config gunicorn.conf.py &
gunicorn_pid=$!
/usr/sbin/nginx -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e stderr -g "daemon off;" &
nginx_pid=$!

stop() {
    # A second signal must not cut this short: make passes its SIGTERM on to this script,
    # which the process group's SIGTERM has already reached.
    trap '' INT TERM
    trap - EXIT
    # QUIT lets nginx finish the requests it is serving, as TERM does for gunicorn.
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    kill -TERM "$gunicorn_pid" 2>/dev/null || true
    wait "$nginx_pid" "$gunicorn_pid" 2>/dev/null || true
    if [ -n "$OWN_RUN_DIR" ]; then
        rm -rf -- "$OWN_RUN_DIR"
    fi
}
trap 'stop; exit 0' INT TERM
trap stop EXIT
# Whichever stops first takes the other down with it.
wait -n "$gunicorn_pid" "$nginx_pid" || status=$?
exit "${status:-1}"
