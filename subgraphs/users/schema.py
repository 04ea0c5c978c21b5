"""The users subgraph's GraphQL schema: ``User``, ``me``, ``user``, ``users``, ``updateProfile``."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.federation.schema_directives import Cost, Policy

from subgraphs._shared.announcements import announce_changes
from subgraphs._shared.cache_control import cache_hint
from subgraphs._shared.context import SubgraphContext
from subgraphs._shared.errors import BadUserInput, Forbidden, NotFound
from subgraphs._shared.identity import Role as IdentityRole
from subgraphs._shared.pagination import (
    DEFAULT_PAGE_SIZE,
    Connection,
    check_first,
    connection,
    connection_size,
    decode_cursor,
)
from subgraphs._shared.schema import subgraph_schema
from subgraphs._shared.validation import check_id, clean_text
from subgraphs.users.loaders import Loaders
from subgraphs.users.models import UserRow

Info = strawberry.Info[SubgraphContext[Loaders], None]

Role = strawberry.enum(IdentityRole, name="Role", description="What a user may do.")

AVATAR_BASE = "https://avatars.learning.example"
MIN_AVATAR_SIZE, MAX_AVATAR_SIZE = 16, 1024
LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


# A public profile (name, avatar) may be cached for two minutes: ``updateProfile`` purges
# the gateway's cached responses that contain the user. The email is private.
@strawberry.federation.type(
    keys=["id"], description="A person on the platform.", directives=[cache_hint(120)]
)
class User:
    id: strawberry.ID
    name: str
    locale: str = strawberry.field(description="BCP 47 language tag, e.g. `en` or `pt-BR`.")
    role: Role  # type: ignore[valid-type]
    created_at: datetime
    private_email: strawberry.Private[str]

    @strawberry.field(
        description="Visible to the user themself and to admins only.",
        directives=[Policy(policies=[["self_or_admin"]]), cache_hint(private=True)],
    )
    def email(self, info: Info) -> str | None:
        identity = info.context.identity
        identity.require_user()
        if identity.user_id != self.id and not identity.is_admin:
            raise Forbidden("Only the user themself or an admin may read the email.")
        return self.private_email

    @strawberry.field(description="Square avatar image of `size` pixels (16-1024).")
    def avatar_url(self, size: int = 128) -> str:
        if not MIN_AVATAR_SIZE <= size <= MAX_AVATAR_SIZE:
            raise BadUserInput(
                f"`size` must be between {MIN_AVATAR_SIZE} and {MAX_AVATAR_SIZE}.",
                argumentName="size",
            )
        return f"{AVATAR_BASE}/{self.id}.png?size={size}"

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> User | None:
        row = await info.context.loaders.user.load(str(id))
        return None if row is None else from_row(row)


def from_row(row: UserRow) -> User:
    return User(
        id=strawberry.ID(row.id),
        name=row.name,
        locale=row.locale,
        role=IdentityRole(row.role),
        created_at=row.created_at,
        private_email=row.email,
    )


@strawberry.input(description="Fields to change; omitted fields stay as they are.")
class UpdateProfileInput:
    name: str | None = strawberry.UNSET
    locale: str | None = strawberry.UNSET


@strawberry.type
class Query:
    @strawberry.field(
        description="The calling user; UNAUTHENTICATED when anonymous.",
        directives=[cache_hint(30, private=True)],
    )
    async def me(self, info: Info) -> User | None:
        user_id = info.context.identity.require_user()
        row = await info.context.loaders.user.load(user_id)
        return None if row is None else from_row(row)

    @strawberry.field(description="One user by id; NOT_FOUND when there is none.")
    async def user(self, info: Info, id: strawberry.ID) -> User | None:
        row = await info.context.loaders.user.load(check_id(str(id)))
        if row is None:
            raise NotFound(f"No user with id {id!r}.")
        return from_row(row)

    @strawberry.field(
        description="All users, in id order (admins only).",
        directives=[connection_size(), Policy(policies=[["admin"]])],
    )
    async def users(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[User]:
        check_first(first)
        after_id = decode_cursor("user", after)
        query = select(UserRow).order_by(UserRow.id).limit(first + 1)
        if after_id is not None:
            query = query.where(UserRow.id > after_id)
        async with info.context.database.read() as session:
            rows = list(await session.scalars(query))
        return connection(rows, first, "user", lambda r: r.id, from_row)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Change the calling user's profile.", directives=[Cost(weight=10)]
    )
    async def update_profile(
        self, info: Info, input: Annotated[UpdateProfileInput, strawberry.argument()]
    ) -> User:
        user_id = info.context.identity.require_user()
        changes: dict[str, str] = {}
        if input.name:
            changes["name"] = clean_text(input.name, "name", max_length=100)
        elif input.name is not strawberry.UNSET:
            raise BadUserInput("`name` must not be empty.", field="name")
        if input.locale is not strawberry.UNSET:
            if input.locale is None or not LOCALE.match(input.locale):
                raise BadUserInput("`locale` must look like `en` or `pt-BR`.", field="locale")
            changes["locale"] = input.locale
        if not changes:
            raise BadUserInput("Nothing to update: give `name` or `locale`.")
        async with info.context.database.transaction() as session:
            row = await session.get(UserRow, user_id)
            if row is None:
                raise NotFound(f"No user with id {user_id!r}.")
            for key, value in changes.items():
                setattr(row, key, value)
        await announce_changes(info.context.broker, [("User", user_id)])
        return from_row(row)


schema = subgraph_schema(
    query=Query,
    mutation=Mutation,
)
