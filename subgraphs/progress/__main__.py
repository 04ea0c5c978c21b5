"""``python -m subgraphs.progress``: serve on 127.0.0.1:$PROGRESS_PORT (4003)."""

from subgraphs._shared.app import serve
from subgraphs.progress.app import DEFAULT_PORT, PORT_ENV, create_app

if __name__ == "__main__":
    serve(create_app(), PORT_ENV, DEFAULT_PORT)
