"""The hello subgraph on a real server (from tests/http)."""

from tests.http.conftest import hello_url  # noqa: F401 (fixture, used by name)
