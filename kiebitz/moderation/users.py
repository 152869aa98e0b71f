"""Moderators and admins: argon2 password hashes, sessions, lockout after failed logins."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from kiebitz.errors import Conflict, Forbidden, InvalidInput
from kiebitz.store import schema
from kiebitz.store.comments import Store, inserted_id

ROLES = ("admin", "moderator")
MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 15 * 60
SESSION_SECONDS = 12 * 3600
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Users:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, name: str, role: str, password: str) -> User:
        name = name.strip()
        if not name or len(name) > 100:
            raise InvalidInput("name must be 1 to 100 characters", "name")
        if role not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}", "role")
        if len(password) < 10:
            raise InvalidInput("password must have at least 10 characters", "password")
        try:
            with self.store.write() as db:
                result = db.execute(insert(schema.users).values(
                    name=name, role=role, password_hash=_hasher.hash(password), created=time.time(),
                    failed_logins=0, locked_until=0.0,
                ))
        except IntegrityError:
            raise Conflict(f"a user named {name!r} exists already", "name") from None
        return User(inserted_id(result), name, role)

    def all(self) -> list[User]:
        with self.store.read() as db:
            rows = db.execute(select(schema.users).order_by(schema.users.c.name)).all()
        return [User(row.id, row.name, row.role) for row in rows]

    def remove(self, user_id: int) -> None:
        """Remove an account and its sessions; never the last admin, who alone could add accounts again."""
        with self.store.write() as db:
            admins = db.execute(select(schema.users.c.id).where(schema.users.c.role == "admin")).scalars().all()
            if admins == [user_id]:
                raise Conflict("the last admin cannot be removed: add another admin first", "remove")
            db.execute(delete(schema.admin_sessions).where(schema.admin_sessions.c.user_id == user_id))
            db.execute(delete(schema.users).where(schema.users.c.id == user_id))

    def login(self, name: str, password: str) -> tuple[str, Session]:
        """Check a password; returns a new session token. Locks the account after repeated failures."""
        with self.store.read() as db:
            row = db.execute(select(schema.users).where(schema.users.c.name == name.strip())).first()
        now = time.time()
        if row is None:
            _hasher.hash(password)  # same time as a wrong password, so names cannot be probed
            raise Forbidden("wrong name or password", "password")
        if row.locked_until > now:
            raise Forbidden("too many failed logins: the account is locked for a while", "password")
        try:
            _hasher.verify(row.password_hash, password)
        except (VerifyMismatchError, InvalidHashError):
            failed = row.failed_logins + 1
            locked = now + LOCKOUT_SECONDS if failed >= MAX_FAILED_LOGINS else 0.0
            with self.store.write() as db:
                db.execute(update(schema.users).where(schema.users.c.id == row.id).values(
                    failed_logins=0 if locked else failed, locked_until=locked))
            raise Forbidden("wrong name or password", "password") from None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        with self.store.write() as db:
            db.execute(update(schema.users).where(schema.users.c.id == row.id).values(failed_logins=0, locked_until=0.0))
            db.execute(delete(schema.admin_sessions).where(schema.admin_sessions.c.expires < now))
            db.execute(insert(schema.admin_sessions).values(
                token_hash=token_hash(token), user_id=row.id, csrf=csrf, expires=now + SESSION_SECONDS))
        return token, Session(User(row.id, row.name, row.role), csrf)

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        query = (
            select(schema.admin_sessions.c.csrf, schema.users.c.id, schema.users.c.name, schema.users.c.role)
            .select_from(schema.admin_sessions.join(schema.users))
            .where(and_(schema.admin_sessions.c.token_hash == token_hash(token),
                        schema.admin_sessions.c.expires > time.time()))
        )
        with self.store.read() as db:
            row = db.execute(query).first()
        return Session(User(row.id, row.name, row.role), row.csrf) if row else None

    def logout(self, token: str) -> None:
        with self.store.write() as db:
            db.execute(delete(schema.admin_sessions).where(schema.admin_sessions.c.token_hash == token_hash(token)))
