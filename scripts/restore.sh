#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and data directory, then
# verify the manifest and the audit hash chain.
#   DATABASE_URL=postgres://…/zhifa_restore ZHIFA_DATA_DIR=/srv/zhifa-restore scripts/restore.sh /backups/zhifa-2026-11-25
set -euo pipefail
src=${1:?usage: scripts/restore.sh BACKUP_DIR}
: "${DATABASE_URL:?set DATABASE_URL to the (empty) target database}"
root=$(cd "$(dirname "$0")/.." && pwd)
data_dir=${ZHIFA_DATA_DIR:-$root/var}
(cd "$src" && sha256sum --check --quiet MANIFEST.sha256)
pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" "$src/database.dump"
if [ -f "$src/files.tar.gz" ]; then
  mkdir -p "$data_dir"
  tar -C "$data_dir" -xzf "$src/files.tar.gz"
fi
"$root/.venv/bin/zhifa" manage migrate --check >/dev/null && echo "schema up to date"
"$root/.venv/bin/zhifa" audit verify
