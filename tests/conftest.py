"""Personas (alice admin, larry lead, carol reviewer, bob expert, mallory outsider), a
campaign they share, and API clients. Background jobs run inline unless a test asks for a
real worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.factories import make_campaign, make_user
from trees.models import Campaign, Role


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.JOBS_MODE = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"
    # Password hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db: None) -> Any:
    return make_user("alice")


@pytest.fixture
def larry(db: None) -> Any:
    return make_user("larry")


@pytest.fixture
def carol(db: None) -> Any:
    return make_user("carol")


@pytest.fixture
def bob(db: None) -> Any:
    return make_user("bob")


@pytest.fixture
def mallory(db: None) -> Any:
    return make_user("mallory")


@pytest.fixture
def staff(db: None) -> Any:
    return make_user("stella", is_staff=True)


@pytest.fixture
def campaign(alice: Any, larry: Any, carol: Any, bob: Any, mallory: Any) -> Campaign:
    """alice administers it; larry leads, carol reviews, bob labels; mallory is outside."""
    return make_campaign(alice, "pilot", larry=Role.LEAD, carol=Role.REVIEWER, bob=Role.EXPERT)


@pytest.fixture
def client_for() -> Callable[[Any], APIClient]:
    def make(user: Any) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture(scope="session")
def quick_demo_model(tmp_path_factory: Any) -> tuple[Any, dict[str, Any]]:
    """The quick (test-sized) demo model, trained at most once per test session, on first
    need, and its build report. Tests of the build itself share it too."""
    from workers.demo.train import build_demo_model

    directory = tmp_path_factory.mktemp("demo-model") / "quick"
    return directory, build_demo_model(directory, seed=0, quick=True)


@pytest.fixture(scope="session")
def demo_model(request: Any) -> Any:
    """A real demo reasoner for model actions: the cached full build when there is one (the
    current version, seed 0), otherwise the session's quick build (`quick_demo_model`). Points
    settings.ARBOR_DEMO_MODEL_DIR at it, and the environment too, so worker processes started
    by tests use the same model. Every test that runs the demo model asks for this fixture."""
    import os

    from django.conf import settings

    from workers.demo.paths import demo_model_dir
    from workers.demo.train import cached_report

    directory = demo_model_dir()
    if cached_report(directory, seed=0, quick=False) is None:
        directory = request.getfixturevalue("quick_demo_model")[0]
    previous = os.environ.get("ARBOR_DEMO_MODEL_DIR")
    previous_setting = settings.ARBOR_DEMO_MODEL_DIR
    os.environ["ARBOR_DEMO_MODEL_DIR"] = str(directory)
    settings.ARBOR_DEMO_MODEL_DIR = directory
    yield directory
    settings.ARBOR_DEMO_MODEL_DIR = previous_setting
    if previous is None:
        os.environ.pop("ARBOR_DEMO_MODEL_DIR", None)
    else:
        os.environ["ARBOR_DEMO_MODEL_DIR"] = previous
