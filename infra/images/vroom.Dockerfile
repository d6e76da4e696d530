# syntax=docker/dockerfile:1
# The route optimiser: VROOM (PyPI pyvroom, the local stack's version) behind our own small HTTP
# server, infra/local/vroom-service.py (`POST /solve`, `GET /health`), as the local stack runs it.
# Build from the repository root:
#   docker buildx build -f infra/images/vroom.Dockerfile -t cocagne-vroom .
#
# Base images are pinned by digest (CPython 3.13, Debian bookworm slim, as node's): see
# api.Dockerfile for where the digests come from. pyvroom's wheel needs glibc 2.34 or newer
# (manylinux_2_34); bookworm has 2.36.

FROM python:3.13.15-slim-bookworm@sha256:2325bb286ec344af3e5898cc224b5844e2707ac6e26b1632516fd3edc84a5e26 AS dependencies
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
COPY infra/images/vroom/requirements.txt /tmp/requirements.txt
# Exactly the wheels the file names, checked against its hashes: no dependency resolved on the
# way, no source package built. The virtualenv has no pip of its own.
RUN python -m venv --without-pip /opt/venv \
    && python -m pip --python /opt/venv/bin/python install --no-cache-dir --require-hashes \
       --no-deps --only-binary=:all: -r /tmp/requirements.txt
WORKDIR /opt/venv
# The libraries' own test suites (numpy's and pandas', about a third of the size) never run here.
RUN find lib -depth -type d -name tests -path '*/site-packages/*' -exec rm -rf {} +

FROM python:3.13.15-slim-bookworm@sha256:2325bb286ec344af3e5898cc224b5844e2707ac6e26b1632516fd3edc84a5e26 AS runtime
# No package manager at run time: less to patch, nothing to install with.
RUN rm -rf /usr/local/lib/python3.13/site-packages/pip /usr/local/lib/python3.13/site-packages/pip-* \
    /usr/local/bin/pip /usr/local/bin/pip3 /usr/local/bin/pip3.13
# The packages were compiled to bytecode when installed: nothing is written at run time.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
WORKDIR /app
COPY --from=dependencies /opt/venv /opt/venv
COPY infra/local/vroom-service.py ./
# uid 1000, as the Deployment's securityContext; the root file system may be read-only.
USER 1000:1000
EXPOSE 5056
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5056/health', timeout=4)"]
CMD ["python", "vroom-service.py", "--host", "0.0.0.0", "--port", "5056"]
