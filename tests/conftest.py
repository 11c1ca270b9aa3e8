import os

import celery
import pytest
from django.core.cache import cache

from tests.factories import DEFAULT_PASSWORD, MembershipFactory, SellerFactory, SiteFactory, UserFactory

# Playwright drives the browser from the test thread while live_server serves pages:
# Django's async-safety check would refuse the test's own database calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _eager_celery_and_media(settings, tmp_path):
    # Tasks run in-process unless a test starts a real worker; files go to a throwaway folder.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    yield
    # a test that made another Celery app current would send every later test's tasks to it, unseen
    assert celery.current_app.main == "sellercenter", f"a test left Celery app {celery.current_app.main!r} current"


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    # the API's rate counters live in the cache, which no database rollback undoes
    cache.clear()


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def site(db):
    return SiteFactory(code="plazavea", name="Plaza Vea")


@pytest.fixture
def seller(db):
    return SellerFactory(name="Tienda Andina SAC")


@pytest.fixture
def other_seller(db):
    return SellerFactory(name="Otra Tienda EIRL")


@pytest.fixture
def owner(seller):
    return MembershipFactory(seller=seller, user=UserFactory(username="owner_a"), role="owner").user


@pytest.fixture
def staff_member(seller):
    return MembershipFactory(seller=seller, user=UserFactory(username="staff_a"), role="staff").user


@pytest.fixture
def other_owner(other_seller):
    return MembershipFactory(seller=other_seller, user=UserFactory(username="owner_b"), role="owner").user


@pytest.fixture
def operator(db):
    return UserFactory(username="operator", is_staff=True, is_superuser=True)
