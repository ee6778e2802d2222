# syntax=docker/dockerfile:1
# The AuthBridge identity API as an OCI image. Build and run: see deploy/README.md.
# Runs as a non-root user and works with a read-only root file system: the only writable
# place is the /var/lib/authbridge volume (the SQLite store), plus a tmpfs on /tmp.

FROM node:20.19-bookworm-slim AS build
WORKDIR /src
# Native modules (argon2, bcrypt, better-sqlite3) compile here when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=sqlite:/var/lib/authbridge/authbridge.sqlite
RUN groupadd --system --gid 10001 authbridge \
 && useradd --system --uid 10001 --gid authbridge --home-dir /nonexistent --shell /usr/sbin/nologin authbridge \
 && mkdir -p /var/lib/authbridge \
 && chown authbridge:authbridge /var/lib/authbridge \
 && chmod 0700 /var/lib/authbridge
WORKDIR /opt/authbridge
COPY --from=build --chown=root:root /src/package.json ./package.json
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
USER authbridge:authbridge
VOLUME ["/var/lib/authbridge"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/identity-api/src/main.js"]
