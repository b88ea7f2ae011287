import pytest
from django.core.cache import cache

from dashboards.selectors import clear_tree_cache


@pytest.fixture(autouse=True)
def _uk_time_zone(settings):
    settings.TIME_ZONE = "Europe/London"


@pytest.fixture(autouse=True)
def _cold_caches():
    """Every test starts with empty caches: keys are made of ids, and a fresh test database (or
    SQLite's reused ids) can give a new record the id of an old one still cached (in Redis, from
    an earlier run)."""
    clear_tree_cache()
    cache.clear()
    yield
    clear_tree_cache()
    cache.clear()
