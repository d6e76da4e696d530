# syntax=docker/dockerfile:1
# The Temporal worker: every garden's workflows and activities (WORKER_GARDENS narrows it to
# some gardens, as each garden's own Deployment does). The workflow bundle is built here, once,
# so workers start fast and run exactly the code that was built (WORKFLOW_BUNDLE_PATH).
# Build from the repository root:
#   docker buildx build -f infra/images/worker.Dockerfile -t cocagne-worker .
#
# Base images are pinned by digest; see api.Dockerfile for where the digests come from.

FROM node:26-bookworm-slim@sha256:cd565714d4da3e84bfd341e31448f81d47c6362198f152345297c9c1154e6341 AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# The bundler (webpack and SWC) comes with @temporalio/worker, a production dependency.
FROM dependencies AS workflow-bundle
COPY domain ./domain
COPY adapters ./adapters
COPY activities ./activities
COPY workflows ./workflows
COPY temporal ./temporal
COPY extensions/hooks ./extensions/hooks
RUN node temporal/build-workflow-bundle.ts

FROM node:26-bookworm-slim@sha256:cd565714d4da3e84bfd341e31448f81d47c6362198f152345297c9c1154e6341 AS runtime
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
    /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-* \
    /usr/local/bin/yarn /usr/local/bin/yarnpkg
ENV NODE_ENV=production \
    WORKFLOW_BUNDLE_PATH=/app/temporal/dist/workflow-bundle.js \
    WORKER_HEALTH_PORT=8081 \
    WORKER_HEALTH_HOST=0.0.0.0
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
COPY --from=workflow-bundle /app/temporal/dist/workflow-bundle.js ./temporal/dist/workflow-bundle.js
USER 1000:1000
EXPOSE 8081
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WORKER_HEALTH_PORT ?? 8081) + '/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "temporal/worker-main.ts"]
