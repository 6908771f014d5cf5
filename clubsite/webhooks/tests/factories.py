"""Endpoints and deliveries for tests; an endpoint's secret is a real Standard Webhooks secret."""

import uuid

import factory
from factory.django import DjangoModelFactory

from clubsite.webhooks.models import WebhookDelivery, WebhookEndpoint
from clubsite.webhooks.services import new_secret


class WebhookEndpointFactory(DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/club")
    description = factory.Sequence(lambda n: f"Receiver {n}")
    secret = factory.LazyFunction(new_secret)
    events = factory.LazyFunction(lambda: ["member.created", "payment.recorded"])


class WebhookDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event = "member.created"
    event_id = factory.LazyFunction(lambda: uuid.uuid4().hex)
    payload = factory.LazyAttribute(
        lambda o: {"type": o.event, "timestamp": "2030-01-01T00:00:00+00:00", "data": {"id": 1}}
    )
