#!/usr/bin/env bash
# The consumer test: pack the library, install the tarball into a fresh cdk8s TypeScript app
# (the files `cdk8s init typescript-app` writes, with vitest for jest), and use it there as a
# user would. Only the fixtures' lockfiles and the packed tarball are used: no path imports.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
fixtures="$repo/test/consumer"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
step() { printf '\n== consumer: %s\n' "$*"; }

step 'compile and pack'
(cd "$repo" && npx projen pack >/dev/null)
version="$(node -p "require('$repo/package.json').version")"
tarball="$repo/dist-packages/js/cdk8s-netkit-$version.tgz"

install_app() { # <fixture dir with package.json + package-lock.json> <target dir>
  mkdir -p "$2"
  cp "$1/package.json" "$1/package-lock.json" "$2/"
  cp "$tarball" "$2/cdk8s-netkit.tgz"
  (cd "$2" && npm ci --no-audit --no-fund --loglevel=error)
}
sources=(main.ts main.test.ts setup.ts vitest.config.mts cdk8s.yaml tsconfig.json tsconfig.node16.json tsconfig.bundler.json)

step 'install into a cdk8s app (vitest 4)'
app="$work/app"
install_app "$fixtures/app" "$app"
for f in "${sources[@]}"; do cp "$fixtures/app/$f" "$app/"; done
mkdir -p "$app/dist" && cp "$fixtures/app/dist/consumer-app.k8s.yaml" "$app/dist/"
cd "$app"

step 'types: classic node resolution (cdk8s init), node16, bundler'
npx tsc --noEmit -p tsconfig.json
npx tsc -p tsconfig.node16.json
npx tsc -p tsconfig.bundler.json

step 'cdk8s synth writes the committed YAML'
rm -rf dist
npx cdk8s synth --no-check-upgrade
if [ "${UPDATE:-}" = 1 ]; then
  # UPDATE=1 npm run test:consumer: accept a deliberate change of output (review the diff).
  cp dist/*.k8s.yaml "$fixtures/app/dist/"
fi
diff -ru "$fixtures/app/dist" dist

step 'vitest 4: matchers and a raw-YAML snapshot'
npx vitest run

step 'the installed netkit bin'
test "$(npx netkit --version)" = "$version"
npx netkit check dist/

step 'vitest 3: the same tests'
v3="$work/vitest3"
install_app "$fixtures/vitest3" "$v3"
for f in main.ts main.test.ts setup.ts vitest.config.mts tsconfig.json; do cp "$fixtures/app/$f" "$v3/"; done
cp -r "$app/dist" "$v3/"
(cd "$v3" && npx vitest run && npx tsc --noEmit -p tsconfig.json)

step 'passed'
