# dchat node image (README "Packaging: Docker and systemd").
#   docker build -t dchat .
#   docker run -d --name dchat -v /srv/dchat-node0:/data -p 127.0.0.1:7545:7545 -p 7600:7600 dchat
# /data holds a host bundle of `dchat testnet init` (config.json, genesis.json, keys/, p2p-key) or
# any data dir with a config.json; the chain is written under /data/chain.

# Stage 1: the production dependencies only (no dev tools, no npm cache), from the lock file.
FROM node:24.21.0-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime: sources (Node 24 runs the TypeScript as it is), a non-root user, /data a volume.
FROM node:24.21.0-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DCHAT_DATA_DIR=/data \
    DCHAT_API_HOST=0.0.0.0 \
    DCHAT_API_PORT=7545 \
    DCHAT_LOG_FORMAT=json
RUN groupadd --system --gid 10001 dchat \
 && useradd --system --uid 10001 --gid dchat --home-dir /data --shell /usr/sbin/nologin dchat \
 && mkdir -p /data \
 && chown dchat:dchat /data \
 && chmod 0700 /data
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
COPY --chown=root:root config ./config
COPY --chown=root:root src ./src
USER dchat
VOLUME ["/data"]
# API (published on the host's loopback in the example above) and libp2p.
EXPOSE 7545 7600
# Healthy while GET /v1/node answers 200 on the API port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.DCHAT_API_PORT}/v1/node`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) lets the node finish its block commit and close the store.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/bin/dchat"]
CMD ["start", "--config", "/data/config.json"]
