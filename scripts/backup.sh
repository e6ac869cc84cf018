#!/usr/bin/env bash
# Nightly backup: database dump and private files, keeping 30 days. Reads DATABASE_URL,
# PRIVATE_MEDIA_ROOT and BACKUP_DIR (default /backups) from the environment.
set -euo pipefail
BACKUP_DIR="${BACKUP_DIR:-/backups}"
stamp="$(date +%F)"
mkdir -p "$BACKUP_DIR"
pg_dump --format=custom --no-owner --file "$BACKUP_DIR/portal-$stamp.dump" "${DATABASE_URL:?DATABASE_URL is not set}"
if [ -n "${PRIVATE_MEDIA_ROOT:-}" ] && [ -d "$PRIVATE_MEDIA_ROOT" ]; then
  tar czf "$BACKUP_DIR/portal-files-$stamp.tgz" -C "$(dirname "$PRIVATE_MEDIA_ROOT")" "$(basename "$PRIVATE_MEDIA_ROOT")"
fi
find "$BACKUP_DIR" -name 'portal-*' -mtime +30 -delete
