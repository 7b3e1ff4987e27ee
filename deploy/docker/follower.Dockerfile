# syntax=docker/dockerfile:1
# uptop follower image. Build from the repository root:
#   docker build -f deploy/docker/follower.Dockerfile -t uptop-follower .
ARG NODE_IMAGE=node:20-bookworm-slim

# --- builder: install the workspace, build, then `pnpm deploy` the app with production deps only
FROM ${NODE_IMAGE} AS builder
ENV CI=true
# better-sqlite3 (the embedded database) compiles from source when no prebuilt binary can be
# fetched for this platform; the build tools stay in this stage only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@12.4.2
WORKDIR /src
# The lockfile alone is enough to download every package, so this layer is reused while only
# sources change.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
# Builds only @uptop/follower and the workspace packages it depends on.
RUN pnpm build --filter=@uptop/follower...
RUN pnpm deploy --filter @uptop/follower --prod /out \
 && sh deploy/docker/prune-deploy.sh /out

# --- runtime
FROM ${NODE_IMAGE}
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=""
LABEL org.opencontainers.image.title="uptop-follower" \
      org.opencontainers.image.description="uptop follower: hot standby that mirrors the leader and takes over when it dies" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
# ICMP checks spawn ping; it runs unprivileged through the ping_group_range sysctl (see deploy/README.md).
RUN apt-get update \
 && apt-get install -y --no-install-recommends iputils-ping \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 uptop \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin uptop \
 && mkdir -p /data \
 && chown 10001:10001 /data
WORKDIR /app
# Owned by root: the app cannot rewrite its own code even where the root filesystem is writable.
COPY --from=builder /out/ /app/
COPY --from=builder /src/deploy/docker/healthcheck.mjs /app/healthcheck.mjs
# The engine keeps ~50 MB live at 10 000 monitors, but uncapped V8 lets the old space grow to ~4x
# that between full collections (RSS ~340 MB in bench/scheduler.mjs). A 1 GB cap lowers the
# growth factor (RSS ~210 MB, same checks/s and lag) and leaves 20x room; override it with
# -e NODE_OPTIONS=... for far larger monitor counts.
ENV NODE_OPTIONS=--max-old-space-size=1024
ENV NODE_ENV=production \
    UPTOP_DATA_DIR=/data \
    UPTOP_HTTP_PORT=8080 \
    UPTOP_CLUSTER_MODE=follower
USER 10001:10001
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/healthcheck.mjs"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
