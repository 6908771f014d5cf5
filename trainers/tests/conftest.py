"""Fixtures of the trainer portal tests: two trainers, the first one signed in."""

from __future__ import annotations

import pytest
from django.test import Client

from trainers.tests.factories import TrainerFactory


@pytest.fixture
def trainer(db):
    return TrainerFactory(user__first_name="Tara", user__last_name="Mendes")


@pytest.fixture
def other_trainer(db):
    return TrainerFactory(user__first_name="Sam", user__last_name="Okafor")


@pytest.fixture
def trainer_client(trainer) -> Client:
    client = Client()
    client.force_login(trainer.user)
    return client
