#!/bin/sh
# Runs its arguments with Node >= 24 (see ensure-node24.sh): `sh scripts/node24.sh file.ts args…`.
set -e
node_bin=$(sh "$(dirname "$0")/ensure-node24.sh")
exec "$node_bin" "$@"
