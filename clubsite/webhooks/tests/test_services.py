"""Which endpoints the club registers: http(s) URLs of public addresses only (unless the setting allows
private ones), known events only; a Standard Webhooks secret made for each."""

from __future__ import annotations

import base64

import pytest
from django.test import override_settings

from clubsite.core.events import EVENTS
from clubsite.webhooks import services
from clubsite.webhooks.errors import WebhookError

from .factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def _create(url: str = "https://93.184.215.14/hooks", events=("member.created",)):
    return services.webhook_endpoint_create(url=url, events=list(events))


def test_an_endpoint_gets_a_standard_webhooks_secret():
    endpoint = _create()
    assert endpoint.secret.startswith("whsec_")
    assert len(base64.b64decode(endpoint.secret.removeprefix("whsec_"))) == 32
    assert _create().secret != endpoint.secret
    assert endpoint.active and endpoint.events == ["member.created"]


@override_settings(CLUB_WEBHOOKS_ALLOW_PRIVATE=False)
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hooks",
        "http://localhost/hooks",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://172.16.5.5/",
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        # IPv6 forms that reach an IPv4 address the club refuses, and ranges Python 3.11 calls global:
        "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
        "http://[2002:a00:1::]/",  # 6to4 of 10.0.0.1
        "http://[::127.0.0.1]/",  # IPv4-compatible
        "http://[fec0::1]/",  # deprecated site-local
    ],
)
def test_private_loopback_and_reserved_addresses_are_refused(url):
    with pytest.raises(WebhookError) as refused:
        _create(url)
    assert (refused.value.code, refused.value.field) == ("webhook_url_private", "url")


@override_settings(CLUB_WEBHOOKS_ALLOW_PRIVATE=False)
@pytest.mark.parametrize("url", ["http://[2002:5db8:d70e::1]/", "http://[64:ff9b::5db8:d70e]/"])
def test_an_ipv6_form_of_a_public_ipv4_address_is_accepted(url):
    # 6to4 and NAT64 of 93.184.215.14: unwrapping refuses only what is inside is private.
    assert _create(url).url == url


@override_settings(CLUB_WEBHOOKS_ALLOW_PRIVATE=False)
def test_a_public_address_is_accepted_and_a_private_one_refused_on_update_too():
    endpoint = _create("https://93.184.215.14/hooks")
    with pytest.raises(WebhookError) as refused:
        services.webhook_endpoint_update(endpoint=endpoint, url="http://127.0.0.1/", events=["member.created"])
    assert refused.value.code == "webhook_url_private"
    endpoint.refresh_from_db()
    assert endpoint.url == "https://93.184.215.14/hooks"


@override_settings(CLUB_WEBHOOKS_ALLOW_PRIVATE=False)
def test_a_host_that_does_not_resolve_is_refused():
    with pytest.raises(WebhookError) as refused:
        _create("https://no-such-host.invalid/hooks")
    assert (refused.value.code, refused.value.field) == ("webhook_url_unresolvable", "url")


def test_the_setting_allows_private_addresses():
    assert _create("http://127.0.0.1:8000/hooks").url == "http://127.0.0.1:8000/hooks"


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "file:///etc/passwd", "example.com/hooks", "http://", "https://exa mple.com/", "x"]
)
def test_a_url_that_is_not_http_or_https_is_refused(url):
    with pytest.raises(WebhookError) as refused:
        _create(url)
    assert (refused.value.code, refused.value.field) == ("webhook_url_invalid", "url")


def test_an_unknown_event_is_refused():
    with pytest.raises(WebhookError) as refused:
        _create(events=["member.created", "member.deleted"])
    assert (refused.value.code, refused.value.field) == ("webhook_event_unknown", "events")
    assert refused.value.params == {"event": "member.deleted"}


def test_at_least_one_event_is_chosen_and_each_is_kept_once():
    with pytest.raises(WebhookError) as refused:
        _create(events=[])
    assert (refused.value.code, refused.value.field) == ("webhook_events_required", "events")
    assert _create(events=["invoice.issued", "invoice.issued"]).events == ["invoice.issued"]


def test_every_event_of_the_club_can_be_chosen():
    assert _create(events=list(EVENTS)).events == list(EVENTS)


def test_updating_changes_url_events_and_description():
    endpoint = WebhookEndpointFactory()
    updated = services.webhook_endpoint_update(
        endpoint=endpoint, url=" http://127.0.0.1/new ", events=["invoice.issued"], description="Books"
    )
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.description) == (
        "http://127.0.0.1/new",
        ["invoice.issued"],
        "Books",
    )
    assert updated.secret == endpoint.secret


def test_a_disabled_endpoint_cannot_be_sent_a_test_event():
    endpoint = services.webhook_endpoint_disable(endpoint=WebhookEndpointFactory())
    with pytest.raises(WebhookError) as refused:
        services.webhook_test_send(endpoint=endpoint)
    assert refused.value.code == "webhook_endpoint_inactive"


def test_managers_are_active_superusers_and_staff_holding_the_permission():
    from django.contrib.auth.models import Permission

    from clubsite.accounts.tests.factories import UserFactory
    from clubsite.testing.roles import staff_user

    root = UserFactory(is_staff=True, is_superuser=True)
    UserFactory(is_staff=True, is_superuser=True, is_active=False)
    holder = UserFactory(is_staff=True)
    holder.user_permissions.add(Permission.objects.get(codename="change_webhookendpoint"))
    not_staff = UserFactory(is_staff=False)
    not_staff.user_permissions.add(Permission.objects.get(codename="change_webhookendpoint"))
    manager = staff_user("manager")
    staff_user("front_desk")

    assert services.webhook_managers() == sorted([root.pk, holder.pk, manager.pk])
