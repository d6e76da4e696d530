# syntax=docker/dockerfile:1
# The web app: built by Vite (with its brotli and gzip forms), served by an unprivileged nginx on
# port 8080 with the same security headers as the API sends (api/plugins/security-headers.ts).
# The Ingress sends /api and /docs to the API; this image answers them 404.
# Build from the repository root:
#   docker buildx build -f infra/images/web.Dockerfile -t cocagne-web .
# Run with COCAGNE_IDENTITY_ORIGIN (the Keycloak origin, e.g. https://auth.example.org) and,
# when the maps use other tiles than OpenStreetMap's, COCAGNE_TILE_SOURCE (a CSP source).
#
# Base images are pinned by digest; see api.Dockerfile for where the digests come from.

FROM node:26-bookworm-slim@sha256:cd565714d4da3e84bfd341e31448f81d47c6362198f152345297c9c1154e6341 AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Vite and its Vue plugin are development dependencies: the whole lock is installed here, and
# none of it reaches the final stage.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY domain ./domain
COPY web ./web
RUN node node_modules/vite/bin/vite.js build web

FROM nginxinc/nginx-unprivileged:1.29.5-alpine@sha256:42a7d7f2ee23e9f5a1dcdf3647ba5c585bbd18f79e79cd817e70e8cd61c55779 AS runtime
# nginx's entrypoint writes the templates, with the environment's values, to /tmp: the root
# file system may be read-only (an emptyDir at /tmp).
ENV NGINX_ENVSUBST_OUTPUT_DIR=/tmp \
    NGINX_ENVSUBST_FILTER=^COCAGNE_ \
    COCAGNE_TILE_SOURCE=https://tile.openstreetmap.org
COPY infra/images/web/nginx.conf /etc/nginx/nginx.conf
# Stops the container at start when COCAGNE_IDENTITY_ORIGIN is missing or malformed.
COPY --chmod=0755 infra/images/web/05-cocagne-settings.sh /docker-entrypoint.d/
COPY infra/images/web/cocagne-site.conf.template infra/images/web/cocagne-headers.inc.template /etc/nginx/templates/
COPY --from=build /app/web/dist /usr/share/nginx/html
# The image's own nginx user (uid 101, group 0): any uid with group 0 also works.
USER 101
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
CMD ["nginx", "-g", "daemon off;"]
