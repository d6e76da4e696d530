# syntax=docker/dockerfile:1
# The API (Fastify). Node runs the TypeScript sources as they are (type stripping), so there is
# no compile step: the image holds the sources the API imports and the production dependencies.
# Build from the repository root:
#   docker buildx build -f infra/images/api.Dockerfile -t cocagne-api .
# The same image runs the release checks Flagger calls: command
#   ["node", "infra/release/checks-server.ts"] (see infra/release/README.md).
#
# Base images are pinned by digest (node 26, Debian bookworm slim). The digests were taken from
# public Dockerfiles, not pulled here (this machine reaches no container registry): the first
# release run resolves them, and a digest bump is a reviewed change like any other.

FROM node:26-bookworm-slim@sha256:cd565714d4da3e84bfd341e31448f81d47c6362198f152345297c9c1154e6341 AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, exactly as locked. No install script runs: the native parts
# (Temporal's core bridge, SWC) come as prebuilt platform packages.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:26-bookworm-slim@sha256:cd565714d4da3e84bfd341e31448f81d47c6362198f152345297c9c1154e6341 AS runtime
# No package manager at run time: less to patch, nothing to install with.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
    /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-* \
    /usr/local/bin/yarn /usr/local/bin/yarnpkg
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY domain ./domain
COPY adapters ./adapters
COPY activities ./activities
COPY workflows ./workflows
COPY temporal ./temporal
COPY extensions/hooks ./extensions/hooks
COPY extensions/host ./extensions/host
COPY api ./api
COPY infra/release ./infra/release
# uid 1000, as the Deployments' securityContext; the root file system may be read-only: nothing
# here writes outside /tmp.
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT ?? 8080) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "api/server.ts"]
