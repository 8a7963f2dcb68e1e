#!/usr/bin/env bash
# Records what the README's `npm install`/`npm uninstall` steps resolve to (needs the registry):
# runs them for real in what `cdk8s init typescript-app` writes, and keeps package.json and
# package-lock.json in test/consumer/readme/. Also refreshes the vitest 3 and Node.js versions
# lockfiles. The tarball's integrity is dropped: it changes with every build, and run.sh
# installs the freshly packed one. Run it after changing those README steps or the library's
# dependencies, then `npm run test:consumer`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
(cd "$repo" && npx projen pack >/dev/null)
version="$(node -p "require('$repo/package.json').version")"
tarball="$repo/dist-packages/js/cdk8s-netkit-$version.tgz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$repo" && npx tsx test/consumer/readme-app.ts "$work/shop-app" "$tarball" --record)
mkdir -p "$repo/test/consumer/readme/dist" && cp "$work/shop-app/dist/"*.k8s.yaml "$repo/test/consumer/readme/dist/"

drop_integrity='
  const fs = require("fs");
  const lock = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  delete lock.packages["node_modules/cdk8s-netkit"].integrity;
  fs.writeFileSync(process.argv[2], JSON.stringify(lock, null, 2) + "\n");'
mkdir "$work/vitest3"
cp "$repo/test/consumer/vitest3/package.json" "$work/vitest3/"
cp "$tarball" "$work/vitest3/cdk8s-netkit.tgz"
(cd "$work/vitest3" && npm install --no-audit --no-fund --loglevel=error)
node -e "$drop_integrity" "$work/vitest3/package-lock.json" "$repo/test/consumer/vitest3/package-lock.json"

(cd "$repo/test/consumer/node-versions" && npm install --package-lock-only --no-audit --no-fund --loglevel=error)
