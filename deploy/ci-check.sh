#!/usr/bin/env bash
# Proves the images without a Docker engine: for each app, run the same
# `pnpm deploy --filter @uptop/<app> --prod` step (and prune) its Dockerfile runs, start the app
# from that folder alone with a minimal environment, wait for /api/health to answer 200 (with
# the image's own HEALTHCHECK script), stop it with SIGTERM and expect exit 0. Also asserts the
# probe ships no embedded database, runs `uptop version` from the CLI's deploy output (which the
# leader image carries) against the running leader, runs `uptop-admin migrate-secrets` from the
# leader's deploy output on the database it left, and prints each deploy folder's size.
# Run from anywhere after `pnpm install` and `pnpm build`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HEALTH_TIMEOUT_S=${HEALTH_TIMEOUT_S:-90}

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf 'deploy-check: %s\n' "$*"; }
fail() { printf 'deploy-check: FAIL: %s\n' "$*" >&2; exit 1; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# A placeholder app compiles `export {};` to a main.js with nothing else in it.
is_placeholder() {
  local main="apps/$1/dist/main.js"
  [ -f "$main" ] || fail "$main is missing: run pnpm build first"
  [ "$(grep -v '^//# sourceMappingURL=' "$main" | tr -d '[:space:]')" = "export{};" ]
}

# deploy APP -> prints the folder the image would hold under /app
deploy() {
  local app=$1 out="$work/$1"
  pnpm deploy --filter "@uptop/$app" --prod "$out" >"$work/$app.deploy.log" 2>&1 ||
    { cat "$work/$app.deploy.log" >&2; fail "pnpm deploy of $app failed"; }
  sh deploy/docker/prune-deploy.sh "$out"
  for dev in jest typescript @swc/core turbo @types; do
    [ ! -e "$out/node_modules/$dev" ] || fail "$app deploy folder holds the dev dependency $dev"
  done
  echo "$out"
}

# start APP DIR PORT VAR=VALUE... -> starts `node dist/main.js` in DIR with only the given env
start() {
  local app=$1 dir=$2 port=$3
  shift 3
  (cd "$dir" && exec env -i PATH="$PATH" HOME="$work" NODE_ENV=production \
    UPTOP_HTTP_HOST=127.0.0.1 UPTOP_HTTP_PORT="$port" UPTOP_LOG_LEVEL=warn "$@" \
    node dist/main.js) >"$work/$app.log" 2>&1 &
  pids+=("$!")
  started_pid=$!
}

wait_healthy() {
  local app=$1 pid=$2 port=$3 deadline=$((SECONDS + HEALTH_TIMEOUT_S))
  until env UPTOP_HTTP_PORT="$port" node "$ROOT/deploy/docker/healthcheck.mjs"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$work/$app.log" >&2
      fail "$app exited before /api/health answered"
    fi
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 30 "$work/$app.log" >&2; fail "$app: /api/health not 200 within ${HEALTH_TIMEOUT_S}s"; }
    sleep 0.5
  done
  say "$app: /api/health answered 200 on 127.0.0.1:$port"
}

stop() {
  local app=$1 pid=$2 rc=0
  kill -TERM "$pid"
  wait "$pid" || rc=$?
  [ "$rc" -eq 0 ] || { tail -n 30 "$work/$app.log" >&2; fail "$app exited $rc after SIGTERM, expected 0"; }
  say "$app: exited 0 after SIGTERM"
}

size_of() { du -sh "$1" | cut -f1; }

secret=$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')
sizes=()

# --- leader: embedded database in a temp data folder
leader_dir=$(deploy leader)
leader_port=$(free_port)
mkdir -p "$work/leader-data"
start leader "$leader_dir" "$leader_port" UPTOP_CLUSTER_MODE=leader UPTOP_DATA_DIR="$work/leader-data" \
  UPTOP_CLUSTER_SECRET="$secret"
leader_pid=$started_pid
wait_healthy leader "$leader_pid" "$leader_port"
sizes+=("leader $(size_of "$leader_dir")")
# The web dashboard ships inside the leader's deploy folder (@uptop/web's built files).
home=$(node -e 'fetch(`http://127.0.0.1:${process.argv[1]}/`).then(async (r) => console.log(r.status, await r.text()))' \
  "$leader_port")
case "$home" in
"200 "*'<div id="root">'*) say "leader: / answers the web dashboard" ;;
*) fail "leader: / does not answer the web dashboard: ${home:0:200}" ;;
esac

# --- follower: watches the leader
follower_dir=$(deploy follower)
sizes+=("follower $(size_of "$follower_dir")")
if is_placeholder follower; then
  say "follower: SKIPPED start, apps/follower/dist/main.js is still the empty placeholder"
else
  port=$(free_port)
  mkdir -p "$work/follower-data"
  start follower "$follower_dir" "$port" UPTOP_CLUSTER_MODE=follower UPTOP_DATA_DIR="$work/follower-data" \
    UPTOP_PEER_URL="http://127.0.0.1:$leader_port" UPTOP_CLUSTER_SECRET="$secret"
  wait_healthy follower "$started_pid" "$port"
  stop follower "$started_pid"
fi

# --- probe: stateless, must carry no embedded database
probe_dir=$(deploy probe)
if find "$probe_dir/node_modules" \( -path '*@electric-sql*pglite*' -o -path '*better-sqlite3*' \) -print -quit |
  grep -q .; then
  fail "the probe deploy folder contains an embedded database (better-sqlite3 or @electric-sql/pglite)"
fi
[ ! -e "$probe_dir/node_modules/@uptop/store" ] || fail "the probe deploy folder contains @uptop/store"
say "probe: deploy folder holds no better-sqlite3, no @electric-sql/pglite and no @uptop/store"
sizes+=("probe $(size_of "$probe_dir")")
if is_placeholder probe; then
  say "probe: SKIPPED start, apps/probe/dist/main.js is still the empty placeholder"
else
  port=$(free_port)
  mkdir -p "$work/probe-data"
  start probe "$probe_dir" "$port" UPTOP_CLUSTER_MODE=probe UPTOP_DATA_DIR="$work/probe-data" \
    UPTOP_PEER_URL="http://127.0.0.1:$leader_port" UPTOP_NODE_ID=probe-ci UPTOP_NODE_REGION=ci \
    UPTOP_CLUSTER_SECRET="$secret"
  wait_healthy probe "$started_pid" "$port"
  stop probe "$started_pid"
fi

# --- the uptop CLI: the leader image carries it in /app/cli with a /usr/local/bin/uptop wrapper
cli_dir=$(deploy cli)
[ ! -e "$cli_dir/node_modules/@uptop/store" ] || fail "the CLI deploy folder contains @uptop/store"
sizes+=("cli $(size_of "$cli_dir") (in the leader image under /app/cli)")
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec node %s/dist/main.js "$@"\n' "$cli_dir" >"$work/bin/uptop"
chmod 0755 "$work/bin/uptop"
cli_out=$(cd "$work" && env -i PATH="$work/bin:$PATH" HOME="$work" NODE_ENV=production \
  uptop version --server "http://127.0.0.1:$leader_port" 2>&1) || { echo "$cli_out" >&2; fail "uptop version failed"; }
case "$cli_out" in
  "uptop "*"(server "*")") say "cli: $cli_out" ;;
  *) echo "$cli_out" >&2; fail "uptop version did not print its own and the leader's version" ;;
esac

stop leader "$leader_pid"

# --- uptop-admin: the leader image's /usr/local/bin/uptop-admin wrapper runs the leader's own
# dist/admin/main.js; run it from the deploy folder on the database the leader just left (PGlite: one
# process owns the folder, so after the leader stopped), as an operator would.
printf '#!/bin/sh\nexec node %s/dist/admin/main.js "$@"\n' "$leader_dir" >"$work/bin/uptop-admin"
chmod 0755 "$work/bin/uptop-admin"
admin_key=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')
admin_out=$(cd "$work" && env -i PATH="$work/bin:$PATH" HOME="$work" NODE_ENV=production UPTOP_LOG_LEVEL=warn \
  UPTOP_DATA_DIR="$work/leader-data" UPTOP_ENCRYPTION_KEY="$admin_key" uptop-admin migrate-secrets 2>&1) ||
  { echo "$admin_out" >&2; fail "uptop-admin migrate-secrets failed"; }
case "$admin_out" in
  "encrypted "*" secret value(s) in "*) say "uptop-admin: $admin_out" ;;
  *) echo "$admin_out" >&2; fail "uptop-admin migrate-secrets did not report what it encrypted" ;;
esac

say "deploy folder sizes (what each image adds under /app):"
for s in "${sizes[@]}"; do say "  $s"; done
say "ok"
