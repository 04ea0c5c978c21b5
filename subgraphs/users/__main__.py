"""``python -m subgraphs.users``: serve on 127.0.0.1:$USERS_PORT (4001)."""

from subgraphs._shared.app import serve
from subgraphs.users.app import DEFAULT_PORT, PORT_ENV, create_app

if __name__ == "__main__":
    serve(create_app(), PORT_ENV, DEFAULT_PORT)
