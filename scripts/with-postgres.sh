#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server and stops the server afterwards.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# The server comes from Debian's `postgresql` package (installed when missing), lives in a
# temporary data directory, listens on 127.0.0.1 on a free port and on a socket inside that
# directory, and runs as an unprivileged user: PostgreSQL refuses to run as root. CMD sees
#   DATABASE_URL        postgres://heroes:...@127.0.0.1:PORT/heroes
#   TEST_POSTGRES_URL   the same URL, for tests that need PostgreSQL in any pass
# The role may create databases (pytest-django creates test_heroes). The server is stopped
# and its directory removed on exit, failure or interrupt. When it cannot start, this fails.
set -euo pipefail

log() { echo "with-postgres: $*" >&2; }

find_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v initdb >/dev/null; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return 0
    fi
    return 1
}

install_postgresql() {
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
    log "installing Debian's postgresql package"
    # Package lists are fetched only when the install fails for lack of them.
    "${apt[@]}" install -y --no-install-recommends postgresql \
        || { "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends postgresql; }
}

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

bindir=$(find_bindir) || { install_postgresql && bindir=$(find_bindir); } || {
    log "no PostgreSQL server found, and installing the postgresql package failed"
    exit 1
}

if [ "$(id -u)" -eq 0 ]; then
    os_user=${POSTGRES_OS_USER:-postgres}
    id "$os_user" >/dev/null 2>&1 || { log "user $os_user does not exist"; exit 1; }
    as_user() { runuser -u "$os_user" -- "$@"; }
    tmp_base=/tmp  # reachable by the server's user, whatever root's TMPDIR is
else
    os_user=$(id -un)
    as_user() { "$@"; }
    tmp_base=${TMPDIR:-/tmp}
fi

caller_dir=$PWD
workdir=$(mktemp -d "$tmp_base/heroes-postgres.XXXXXX")
started=0
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$started" = 1 ]; then
        (cd "$workdir" && as_user "$bindir/pg_ctl" -D "$workdir/data" -m fast -w stop >/dev/null 2>&1) || true
    fi
    rm -rf "$workdir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -ne 0 ] || chown "$os_user" "$workdir"
chmod 700 "$workdir"
cd "$workdir"  # the server's user may not be allowed into the caller's directory

# UTF-8, with a linguistic default collation (ICU en-US, as many production databases have)
# rather than one that happens to sort like SQLite: the code must not depend on the locale.
# Only the server's user can reach the socket (its directory is private): it is trusted there.
# Over TCP every connection needs a password.
as_user "$bindir/initdb" -D "$workdir/data" --username=postgres \
    --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 --locale-provider=icu --icu-locale=en-US --no-sync >"$workdir/initdb.log" 2>&1 || {
    cat "$workdir/initdb.log" >&2
    log "initdb failed"
    exit 1
}

# A free port is found, then bound by the server; another process may take it in between.
for attempt in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # The data is thrown away at the end, so durability is traded for speed.
    if as_user "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c unix_socket_permissions=0700 \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=200" start >/dev/null; then
        started=1
        break
    fi
    log "start on port $port failed (attempt $attempt)"
    tail -n 5 "$workdir/server.log" >&2 || true
    # A server that came up too slowly must not outlive this script.
    as_user "$bindir/pg_ctl" -D "$workdir/data" -m immediate -w stop >/dev/null 2>&1 || true
done
if [ "$started" != 1 ]; then
    log "PostgreSQL did not start"
    exit 1
fi

password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
as_user "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$workdir" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE heroes LOGIN CREATEDB PASSWORD '$password'" \
    -c "CREATE DATABASE heroes OWNER heroes" >/dev/null

export DATABASE_URL="postgres://heroes:$password@127.0.0.1:$port/heroes"
export TEST_POSTGRES_URL="$DATABASE_URL"
log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $workdir)"

cd "$caller_dir"
"$@"
