"""Persisted queries: Apollo APQ, the manifest allowlist, and their stores."""
