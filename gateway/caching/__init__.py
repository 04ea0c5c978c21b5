"""HTTP caching derived from the graph's ``@cacheControl`` hints, and a response cache.

- ``policy.py`` / ``analysis.py``: an operation's cache policy (Apollo Server's rules)
  and where its entities sit, read once from the supergraph;
- ``response_cache.py``: ``ResponseCaching``, called by the pipeline around execution —
  headers, lookups, stores, purges after mutations;
- ``store.py`` / ``redis_store.py``: where responses live (memory or Redis);
- ``invalidation.py``: purges the subgraphs announce over Redis pub/sub;
- ``http.py``: the strong ``ETag`` and ``If-None-Match`` → 304.

docs/caching.md explains the whole.
"""

from gateway.caching.config import CachingConfig, ResponseCacheConfig
from gateway.caching.policy import CachePolicy
from gateway.caching.response_cache import ResponseCaching

__all__ = ["CachePolicy", "CachingConfig", "ResponseCacheConfig", "ResponseCaching"]
