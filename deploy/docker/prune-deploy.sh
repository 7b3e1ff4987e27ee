#!/bin/sh
# Removes what `pnpm deploy` copies from an app folder that has no "files" list but the
# runtime never reads: sources, tests, build configs and turbo's cache. Shared by the
# Dockerfiles and deploy/ci-check.sh so CI measures exactly what the image ships.
set -eu
out="$1"
rm -rf "$out/src" "$out/test" "$out/.turbo" "$out/jest.config.js" "$out/tsconfig.json" \
  "$out/pnpm-workspace.yaml"
find "$out/dist" -name '*.map' -delete
