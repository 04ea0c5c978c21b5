"""Federation 2 composition: subgraph SDLs in, a join-spec supergraph SDL out.

    >>> result = compose([SubgraphSource("users", "http://users/graphql", sdl), ...])
    >>> result.supergraph_sdl or result.errors

The output is the supergraph form ``rover supergraph compose`` writes. See
``docs/composition.md`` for the rules applied and the error codes.
"""

from gateway.composition.compose import CompositionResult, SubgraphSource, compose
from gateway.composition.errors import CompositionError

__all__ = ["CompositionError", "CompositionResult", "SubgraphSource", "compose"]
