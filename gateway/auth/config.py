"""Configuration of authentication: where the keys are, what a token must say, how its
claims become the identity the subgraphs receive, and the secret that signs it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

#: Algorithms a token may be signed with when ``auth.algorithms`` is unset: asymmetric
#: only. An HMAC algorithm would let anyone holding the (public) JWKS forge tokens.
DEFAULT_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"]
_ASYMMETRIC = {
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
    "ES256", "ES256K", "ES384", "ES512", "EdDSA",
}  # fmt: skip


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClaimsConfig(_Section):
    #: Claim holding the user id (a dotted path reaches into objects: ``user.id``).
    user_id: str = "sub"
    #: Claim holding the roles: a list, or a comma- or space-separated string. Missing in
    #: a token: no roles.
    roles: str = "roles"
    #: Claim holding the scopes: a list, or a space-separated string (OAuth's ``scope``).
    #: Missing in a token: no scopes.
    scopes: str = "scope"


class AuthConfig(_Section):
    #: URL of the identity provider's JWKS (fetched, cached, refreshed). Unset: use
    #: ``jwks_file``; both unset: no token is accepted (every request is anonymous, and
    #: one that sends a token is refused with UNAUTHENTICATED).
    jwks_url: str | None = None
    #: Path of a local JWKS file (read at start and re-read like the URL). Unset: use
    #: ``jwks_url``.
    jwks_file: str | None = None
    #: The required ``iss`` claim. Must be set when tokens are accepted.
    issuer: str | None = None
    #: The required ``aud`` claim (one of the token's audiences). Must be set when tokens
    #: are accepted.
    audience: str | None = None
    #: Signing algorithms accepted (asymmetric only: ``none`` and HMAC are refused here).
    algorithms: list[str] = Field(default_factory=lambda: list(DEFAULT_ALGORITHMS))
    #: Seconds of clock skew tolerated on ``exp``, ``nbf`` and ``iat``.
    leeway_seconds: float = Field(default=30.0, ge=0, le=300)
    #: Seconds the JWKS is kept before it is fetched again (keys rotate on this schedule).
    jwks_refresh_seconds: float = Field(default=600.0, gt=0)
    #: Fewest seconds between two fetches caused by unknown ``kid``s: a flood of tokens
    #: with made-up key ids costs the identity provider one request per this interval.
    jwks_min_refresh_interval_seconds: float = Field(default=30.0, ge=0)
    #: Timeout of one JWKS fetch, in seconds.
    jwks_timeout_seconds: float = Field(default=5.0, gt=0)
    #: Refuse anonymous requests (UNAUTHENTICATED, 401). Off: anonymous requests run and
    #: the subgraphs decide what an anonymous caller may see.
    require_authentication: bool = False
    #: How token claims map to the identity forwarded to the subgraphs.
    claims: ClaimsConfig = Field(default_factory=ClaimsConfig)
    #: Shared secret (at least 32 characters) with which the gateway signs the identity
    #: headers it forwards (HMAC-SHA256); subgraphs refuse identity not signed with it.
    #: Unset: no identity is forwarded (subgraphs see every caller as anonymous); it must
    #: be set when tokens are accepted.
    signing_secret: SecretStr | None = None

    @field_validator("algorithms")
    @classmethod
    def _asymmetric_only(cls, algorithms: list[str]) -> list[str]:
        refused = [a for a in algorithms if a not in _ASYMMETRIC]
        if refused:
            raise ValueError(
                f"not accepted: {refused} (only asymmetric algorithms; never none or HMAC)"
            )
        if not algorithms:
            raise ValueError("at least one algorithm")
        return algorithms

    @field_validator("signing_secret")
    @classmethod
    def _long_secret(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None and len(secret.get_secret_value()) < 32:
            raise ValueError("auth.signing_secret must have at least 32 characters")
        return secret

    @model_validator(mode="after")
    def _complete(self) -> AuthConfig:
        if self.jwks_url is not None and self.jwks_file is not None:
            raise ValueError("set auth.jwks_url or auth.jwks_file, not both")
        if self.tokens_accepted:
            missing = [
                name
                for name in ("issuer", "audience", "signing_secret")
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(f"tokens are accepted (a JWKS is set): set auth.{missing}")
        return self

    @property
    def tokens_accepted(self) -> bool:
        return self.jwks_url is not None or self.jwks_file is not None
