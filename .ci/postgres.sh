#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on 127.0.0.1:55432 (trust auth, data under /tmp) and prints
# the connection string the tests use. Installs Debian's postgresql when absent.
set -euo pipefail
PORT=${PGPORT_TEST:-55432}
DIR=${PGDATA_TEST:-/tmp/openhubee-pg}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
id postgres >/dev/null 2>&1 || useradd -r postgres
if [ ! -f "$DIR/PG_VERSION" ]; then
  rm -rf "$DIR" && mkdir -p "$DIR" && chown postgres "$DIR"
  su postgres -s /bin/sh -c "$BIN/initdb -D $DIR -U postgres --auth=trust -E UTF8" >/dev/null
fi
if ! su postgres -s /bin/sh -c "$BIN/pg_ctl -D $DIR status" >/dev/null 2>&1; then
  su postgres -s /bin/sh -c "$BIN/pg_ctl -D $DIR -l $DIR/server.log -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off' -w start" >/dev/null
fi
echo "Host=127.0.0.1;Port=$PORT;Username=postgres;Pooling=true;Maximum Pool Size=20"
