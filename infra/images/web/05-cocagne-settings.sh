#!/bin/sh
# Run by nginx's entrypoint before it writes the templates: stops the container when the
# Content-Security-Policy would lack Keycloak's origin (sign-in would be blocked in every browser).
set -eu
case "${COCAGNE_IDENTITY_ORIGIN:-}" in
  https://* | http://*) ;;
  *)
    echo "COCAGNE_IDENTITY_ORIGIN must be Keycloak's origin (https://auth.example.org), not '${COCAGNE_IDENTITY_ORIGIN:-}'" >&2
    exit 1
    ;;
esac
case "${COCAGNE_IDENTITY_ORIGIN}${COCAGNE_TILE_SOURCE:-}" in
  *[\ \;\"]*)
    echo "COCAGNE_IDENTITY_ORIGIN and COCAGNE_TILE_SOURCE are single sources: no space, ; or quote" >&2
    exit 1
    ;;
esac
