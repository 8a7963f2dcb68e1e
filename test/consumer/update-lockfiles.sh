#!/usr/bin/env bash
# Regenerates the fixtures' lockfiles after the library's dependencies change (needs the
# registry). The tarball's integrity is dropped from them: it changes with every build, and
# run.sh installs the freshly packed one.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
(cd "$repo" && npx projen pack >/dev/null)
version="$(node -p "require('$repo/package.json').version")"
for fixture in app vitest3; do
  work="$(mktemp -d)"
  cp "$repo/test/consumer/$fixture/package.json" "$work/"
  cp "$repo/dist-packages/js/cdk8s-netkit-$version.tgz" "$work/cdk8s-netkit.tgz"
  (cd "$work" && npm install --no-audit --no-fund --loglevel=error)
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    delete lock.packages["node_modules/cdk8s-netkit"].integrity;
    fs.writeFileSync(process.argv[2], JSON.stringify(lock, null, 2) + "\n");
  ' "$work/package-lock.json" "$repo/test/consumer/$fixture/package-lock.json"
  rm -rf "$work"
done
