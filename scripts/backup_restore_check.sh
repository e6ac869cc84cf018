#!/usr/bin/env bash
# Back up a portal database with pg_dump and restore it into a scratch database with pg_restore,
# then compare row counts of every table. Proves the backup procedure in docs/operator.md works.
#
#   scripts/backup_restore_check.sh postgres://postgres@localhost:5432/portal [dump-file]
set -euo pipefail
SOURCE_URL="${1:?usage: $0 SOURCE_DATABASE_URL [dump-file]}"
DUMP="${2:-$(mktemp -d)/portal.dump}"
SCRATCH_DB="portal_restore_check_$$"
ADMIN_URL="${SOURCE_URL%/*}/postgres"
RESTORE_URL="${SOURCE_URL%/*}/${SCRATCH_DB}"

pg_dump --format=custom --no-owner --file "$DUMP" "$SOURCE_URL"
psql -q "$ADMIN_URL" -c "CREATE DATABASE ${SCRATCH_DB}"
trap 'psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS ${SCRATCH_DB}" >/dev/null' EXIT
pg_restore --no-owner --exit-on-error --dbname "$RESTORE_URL" "$DUMP"

count_rows() {
  psql -At "$1" -c "SELECT table_name FROM information_schema.tables WHERE table_schema='public' AND table_type='BASE TABLE' ORDER BY 1" |
    while read -r table; do echo "$table $(psql -At "$1" -c "SELECT count(*) FROM \"$table\"")"; done
}
if diff <(count_rows "$SOURCE_URL") <(count_rows "$RESTORE_URL"); then
  echo "Backup and restore OK: every table has the same number of rows ($(count_rows "$SOURCE_URL" | wc -l) tables)."
else
  echo "Backup and restore MISMATCH: see the differences above." >&2
  exit 1
fi
