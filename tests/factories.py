"""Factories for test data: small and explicit; each commits, so requests see the rows."""
from __future__ import annotations

import hashlib
import itertools
from typing import Any

from sqlalchemy.orm import Session

from crowdcat.models import (
    Access,
    FieldKind,
    FieldSpec,
    Image,
    Item,
    Project,
    ProjectStatus,
    Role,
    User,
)
from crowdcat.services.accounts import tokens as api_tokens
from crowdcat.services.accounts.users import hash_password

_counter = itertools.count(1)
_HASH_CACHE: dict[str, str] = {}

SIMPLE_FIELDS: list[dict[str, Any]] = [
    {"key": "title", "kind": FieldKind.TEXT, "required": True,
     "labels": {"zh_Hant": "題名", "zh_Hans": "题名", "en": "Title"}},
    {"key": "date", "kind": FieldKind.DATE, "required": True,
     "labels": {"zh_Hant": "日期", "zh_Hans": "日期", "en": "Date"}},
    {"key": "pages", "kind": FieldKind.INTEGER,
     "labels": {"zh_Hant": "頁數", "zh_Hans": "页数", "en": "Pages"}},
]


class Factory:
    """Makes users, projects and pages in the session."""

    PASSWORD = "correct horse battery"

    def __init__(self, session: Session) -> None:
        self.session = session

    def user(self, role: Role = Role.VOLUNTEER, **kwargs: Any) -> User:
        """A user whose password is Factory.PASSWORD."""
        n = next(_counter)
        if self.PASSWORD not in _HASH_CACHE:  # Argon2 is slow on purpose; hash once
            _HASH_CACHE[self.PASSWORD] = hash_password(self.PASSWORD)
        values = {
            "email": f"user{n}@example.org", "display_name": f"User {n}",
            "password_hash": _HASH_CACHE[self.PASSWORD], "role": role,
        }
        user = User(**(values | kwargs))
        self.session.add(user)
        self.session.commit()
        return user

    def api_token(self, user: User, name: str = "test") -> str:
        """A real API token of `user` (made by the accounts service); returns its plain text."""
        _token, raw = api_tokens.create(self.session, user, name)
        self.session.commit()
        return raw

    def project(self, fields: list[dict[str, Any]] | None = None, **kwargs: Any) -> Project:
        """An active project with simple fields (title, date, pages) unless given others."""
        n = next(_counter)
        values = {"slug": f"project-{n}", "title": f"Project {n}", "status": ProjectStatus.ACTIVE}
        project = Project(**(values | kwargs))
        for position, spec in enumerate(fields or SIMPLE_FIELDS):
            project.fields.append(FieldSpec(position=position, **spec))
        self.session.add(project)
        self.session.commit()
        return project

    def item(self, project: Project, *, images: int = 1, original_name: str | None = None,
             **kwargs: Any) -> Item:
        """An item of `images` made-up images (scan-0001.jpg ...; the first named
        `original_name` if given)."""
        n = next(_counter)
        values = {"project_id": project.id, "sequence": n, "reference": f"item-{n:04d}",
                  "access": Access.OPEN, "wanted": project.agree_needed}
        item = Item(**(values | kwargs))
        self.session.add(item)
        self.session.flush()
        for position in range(1, images + 1):
            digest = hashlib.sha256(f"page-{n}-{position}".encode()).hexdigest()
            name = original_name if original_name and position == 1 else \
                f"scan-{n:04d}-{position:02d}.jpg" if images > 1 else f"scan-{n:04d}.jpg"
            self.session.add(Image(
                item_id=item.id, project_id=project.id, position=position,
                image_key=f"{digest[:2]}/{digest}", content_hash=digest, width=1240,
                height=1754, byte_size=1000, original_name=name))
        self.session.commit()
        return item
