# The subgraphs' image: one image, three services. SUBGRAPH picks which one runs
# (users, courses or progress) and PORT where it listens:
#
#   docker build -f subgraphs.Dockerfile -t learning-subgraphs .
#   docker run -e SUBGRAPH=users -e PORT=4001 -e USERS_DATABASE_URL=... learning-subgraphs
#
# Storage and events come from the environment (docs/subgraphs.md): <NAME>_DATABASE_URL
# (PostgreSQL, postgresql+asyncpg://...; unset: SQLite under DATA_DIR) and REDIS_URL (progress
# events across replicas). `python -m subgraphs.seed` in the same image loads the data set.

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY subgraphs ./subgraphs
RUN /opt/venv/bin/pip install . \
    && /opt/venv/bin/python -c "import subgraphs.users.app, subgraphs.courses.app, subgraphs.progress.app"

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 subgraph \
    && useradd --system --uid 10001 --gid subgraph --home-dir /app --shell /usr/sbin/nologin subgraph \
    && mkdir -p /app/data && chown subgraph:subgraph /app/data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/app/data \
    SUBGRAPH=users \
    PORT=4001
USER 10001:10001
EXPOSE 4001 4002 4003
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ['PORT'], timeout=2)"]
STOPSIGNAL SIGTERM
# uvicorn's own command line: the modules' `python -m` entry points listen on 127.0.0.1
# only, which a container's port mapping cannot reach.
CMD ["sh", "-c", "exec uvicorn --factory \"subgraphs.${SUBGRAPH}.app:create_app\" --host 0.0.0.0 --port \"${PORT}\" --no-server-header"]
