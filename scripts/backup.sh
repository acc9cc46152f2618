#!/usr/bin/env bash
# Back up a zhifa deployment: the PostgreSQL database (pg_dump custom format) and the file store
# (evidence and issued documents under ZHIFA_DATA_DIR/files), with a SHA-256 manifest.
#   DATABASE_URL=postgres://… ZHIFA_DATA_DIR=/srv/zhifa scripts/backup.sh /backups/zhifa-$(date +%F)
set -euo pipefail
dest=${1:?usage: scripts/backup.sh DEST_DIR}
: "${DATABASE_URL:?set DATABASE_URL (postgres://…)}"
data_dir=${ZHIFA_DATA_DIR:-$(cd "$(dirname "$0")/.." && pwd)/var}
mkdir -p "$dest"
pg_dump --format=custom --no-owner --file="$dest/database.dump" "$DATABASE_URL"
if [ -d "$data_dir/files" ]; then
  tar -C "$data_dir" -czf "$dest/files.tar.gz" files
fi
(cd "$dest" && sha256sum ./* > MANIFEST.sha256)
echo "backup written to $dest"
