"""``python -m subgraphs.courses``: serve on 127.0.0.1:$COURSES_PORT (4002)."""

from subgraphs._shared.app import serve
from subgraphs.courses.app import DEFAULT_PORT, PORT_ENV, create_app

if __name__ == "__main__":
    serve(create_app(), PORT_ENV, DEFAULT_PORT)
