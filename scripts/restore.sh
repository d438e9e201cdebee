#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh.
# Usage: scripts/restore.sh FILE
#   Restores into DATABASE_URL's database, or into RESTORE_DATABASE_URL when that is set (the
#   database is created when it does not exist). Existing tables are replaced; the whole restore is
#   one transaction, so a failure leaves the database as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-}
if [ -z "$file" ]; then
  echo "Usage: scripts/restore.sh FILE   (e.g. make restore FILE=backups/portal-20260101-120000.dump)" >&2
  exit 2
fi
if [ ! -r "$file" ]; then
  echo "Cannot read backup file: $file" >&2
  exit 2
fi
if ! pg_restore --list "$file" >/dev/null 2>&1; then
  echo "Not a pg_dump custom-format backup: $file" >&2
  exit 2
fi
url=${RESTORE_DATABASE_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}}

# Create the target database when missing, through the server's "postgres" database.
base=${url%%\?*}
query=""
[ "$base" != "$url" ] && query="?${url#*\?}"
dbname=${base##*/}
if [ -z "$dbname" ] || [[ ! "$dbname" =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "The database URL must name a database (letters, digits, _ and -): $url" >&2
  exit 2
fi
maintenance="${base%/*}/postgres$query"
exists=$(psql --dbname="$maintenance" -tAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")
if [ "$exists" != "1" ]; then
  psql --dbname="$maintenance" -q -c "CREATE DATABASE \"$dbname\""
  echo "Created database $dbname."
fi

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$url" "$file"
echo "Restored $file into database $dbname."
