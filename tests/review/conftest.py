"""Fixtures for the review views."""
from __future__ import annotations

import pytest

from crowdcat.models import Role, User
from tests.factories_review import ReviewFactory


@pytest.fixture
def rf(session, factory) -> ReviewFactory:
    """Entries reconciled from submissions."""
    return ReviewFactory(session, factory)


@pytest.fixture
def reviewer(factory, auth) -> User:
    """A reviewer, logged in."""
    user = factory.user(Role.REVIEWER, display_name="林審核")
    auth.login(user.email)
    return user
