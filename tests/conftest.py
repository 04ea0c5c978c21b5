"""Settings every test shares.

The subgraphs verify the gateway's signature on identity headers with the secret in
``IDENTITY_SECRET``, read when a subgraph app is created: every test's subgraphs and
gateways use this one (``tests.auth.helpers.TEST_SECRET``).
"""

import os

from tests.auth.helpers import TEST_SECRET

os.environ["IDENTITY_SECRET"] = TEST_SECRET
