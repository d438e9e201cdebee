#!/usr/bin/env bash
# Back up the portal's database: pg_dump in custom format into backups/portal-YYYYmmdd-HHMMSS.dump.
# Usage: scripts/backup.sh            (reads DATABASE_URL; BACKUP_DIR overrides ./backups)
# Restore with scripts/restore.sh FILE (make restore FILE=...).
set -euo pipefail
cd "$(dirname "$0")/.."
DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}
BACKUP_DIR=${BACKUP_DIR:-backups}
mkdir -p "$BACKUP_DIR"
chmod 700 "$BACKUP_DIR"  # the dump holds citizen data: readable by the owner only
target="$BACKUP_DIR/portal-$(date -u +%Y%m%d-%H%M%S).dump"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT
umask 077
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$partial"
# Only a complete dump gets the final name: a failed run never leaves something that looks like a backup.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$target"
echo "$target"
