#!/usr/bin/env bash
# PostgreSQL for the tests: installs Debian's postgresql when missing, starts its cluster, creates
# the `klaxon` role (allowed to create databases: each test file gets a fresh one) and the
# `klaxon_test` database, then prints the URL the tests read:
#   export KLAXON_TEST_DATABASE_URL=$(.ci/postgres.sh)
# It also records the URL in ~/.config/klaxon/test-database-url, which test/helpers/postgres.ts
# reads when the variable is unset, so `npm test` works in any shell on this machine afterwards.
# Needs root (or sudo) for apt-get and the cluster; safe to run again.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >&2 && as_root apt-get install -y -qq postgresql >/dev/null
fi
ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
# A fresh install has a cluster (Debian creates `main`); a container image may not.
pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main"' | grep -q . || as_root pg_createcluster "$ver" main >&2
pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" && $4 == "online"' | grep -q . || as_root pg_ctlcluster "$ver" main start >&2
port=$(pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" { print $3 }')
psql_su() { as_root su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -p $port"; }
for _ in $(seq 1 50); do echo 'select 1' | psql_su >/dev/null 2>&1 && break; sleep 0.2; done
psql_su >&2 <<'SQL'
do $$ begin
  if not exists (select from pg_roles where rolname = 'klaxon') then create role klaxon login createdb password 'klaxon'; end if;
end $$;
select 'create database klaxon_test owner klaxon' where not exists (select from pg_database where datname = 'klaxon_test')
\gexec
SQL
url="postgres://klaxon:klaxon@127.0.0.1:$port/klaxon_test"
conf="${XDG_CONFIG_HOME:-${HOME:-/root}/.config}/klaxon"
mkdir -p "$conf" && printf '%s\n' "$url" > "$conf/test-database-url"
printf '%s\n' "$url"
