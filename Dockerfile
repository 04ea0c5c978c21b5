# The gateway's image: `docker build -t learning-gateway .` (docker-compose.yml builds it).
#
# Three stages: GraphiQL's assets from the locked npm project (what `make vendor-graphiql`
# does), the Python package installed into a virtualenv, and a slim runtime that holds only
# that virtualenv, the configuration and the supergraph, run as a non-root user.
# GATEWAY_* variables override the configuration file (docs/configuration.md), e.g.
# GATEWAY_REDIS_URL, GATEWAY_SUBGRAPHS__USERS__URL; GATEWAY_CONFIG names another file.

ARG PYTHON_VERSION=3.11
ARG NODE_VERSION=20

# -- GraphiQL, React and graphql-ws, vendored so the gateway serves them offline --------
FROM node:${NODE_VERSION}-bookworm-slim AS graphiql
WORKDIR /build
COPY gateway/http/static/package.json gateway/http/static/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
# The same files as GRAPHIQL_FILES in mk/http.mk (tests/deploy checks they agree).
RUN mkdir vendor \
    && cp node_modules/graphiql/graphiql.min.js \
          node_modules/graphiql/graphiql.min.css \
          node_modules/react/umd/react.production.min.js \
          node_modules/react-dom/umd/react-dom.production.min.js \
          node_modules/graphql-ws/umd/graphql-ws.min.js \
          vendor/ \
    && cp node_modules/graphiql/LICENSE vendor/GRAPHIQL-LICENSE \
    && cp node_modules/graphql-ws/LICENSE.md vendor/GRAPHQL-WS-LICENSE.md

# -- the package and its dependencies, in a virtualenv copied whole to the runtime ------
FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY --from=graphiql /build/vendor ./gateway/http/static/vendor
# Every dependency has a manylinux wheel for CPython 3.11 on amd64 and arm64: no compiler.
RUN /opt/venv/bin/pip install . \
    && /opt/venv/bin/python -c "import gateway.http.app"

# -- runtime -------------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 gateway \
    && useradd --system --uid 10001 --gid gateway --home-dir /app --shell /usr/sbin/nologin gateway
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The production configuration (deploy/config/gateway.yaml) and the supergraph it serves,
# where Kubernetes mounts its ConfigMaps instead (deploy/kubernetes/gateway.yaml).
COPY deploy/config/gateway.yaml /etc/gateway/config/gateway.yaml
COPY schema/supergraph.graphql /etc/gateway/supergraph/supergraph.graphql
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GATEWAY_CONFIG=/etc/gateway/config/gateway.yaml
USER 10001:10001
EXPOSE 4000
# Liveness only: /ready also asks every subgraph, which is the orchestrator's business.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('GATEWAY_SERVER__PORT', '4000'), timeout=2)"]
# SIGTERM starts the graceful shutdown (server.graceful_shutdown_seconds).
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "gateway"]
CMD ["serve"]
