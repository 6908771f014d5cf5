import pytest

from .receiver import receiving


@pytest.fixture
def receiver():
    yield from receiving()
