#!/bin/sh
# Prints the path of a Node.js >= 24 binary. The product targets Node 24 LTS (native TypeScript
# type stripping); when the local node is older, Node 24 is installed once from the npm registry
# package `node` into .tools/node24 (no other download).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
local_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$local_major" -ge 24 ] 2>/dev/null; then
  command -v node
  exit 0
fi
tool="$root/.tools/node24/node_modules/.bin/node"
if [ ! -x "$tool" ]; then
  echo "local node is v$local_major; installing Node 24 from the npm registry into .tools/node24" >&2
  npm install --prefix "$root/.tools/node24" --no-save --no-package-lock --no-audit --no-fund node@24 >&2
fi
echo "$tool"
