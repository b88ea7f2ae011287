import pytest


@pytest.fixture(autouse=True)
def _uk_time_zone(settings):
    settings.TIME_ZONE = "Europe/London"
