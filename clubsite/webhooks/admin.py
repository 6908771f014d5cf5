"""Webhook endpoints through the services (events as checkboxes, the secret read-only with a rotate action,
enable, disable, send a test event), and the read-only log of deliveries with a retry action."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from clubsite import adminkit
from clubsite.core.events import EVENTS

from . import services
from .models import WebhookDelivery, WebhookEndpoint

EVENT_CHOICES = [(name, f"{name}: {meaning}") for name, meaning in EVENTS.items()]


class WebhookEndpointForm(adminkit.ServiceAdminForm):
    # The service says which addresses are refused and why (webhook_url_invalid, webhook_url_private).
    url = forms.CharField(max_length=500, label="URL", help_text="The http(s) address the club POSTs each event to.")
    events = forms.MultipleChoiceField(
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events sent to this endpoint.",
    )
    #: The person saving the form (set by the admin's get_form), recorded as who registered an endpoint.
    created_by = None

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "description", "events")

    def save_with_service(self, data):
        values = {"url": data["url"], "events": data["events"], "description": data.get("description", "")}
        if self.instance.pk is None:
            return services.webhook_endpoint_create(**values, created_by=self.created_by)
        return services.webhook_endpoint_update(endpoint=self.instance, **values)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("__str__", "url", "active", "consecutive_failures", "disabled_at", "created_at")
    list_filter = ("active",)
    search_fields = ("url", "description")
    readonly_fields = (
        "secret",
        "active",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "created_at",
        "created_by",
    )
    actions = ("rotate_secret", "enable", "disable", "send_test_event")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("url", "description", "events")
        return ("url", "description", "events", *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.created_by = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        # Deliveries refer to it; disable it instead.
        return False

    @admin.action(description="Rotate the secret of the selected endpoints", permissions=["change"])
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        adminkit.run_service_action(
            self,
            request,
            queryset,
            lambda endpoint: services.webhook_secret_rotate(endpoint=endpoint),
            "New secrets made (give each receiver its new one)",
        )

    @admin.action(description="Enable the selected endpoints (forget their failures)", permissions=["change"])
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        adminkit.run_service_action(
            self, request, queryset, lambda endpoint: services.webhook_endpoint_enable(endpoint=endpoint), "Enabled"
        )

    @admin.action(description="Disable the selected endpoints", permissions=["change"])
    def disable(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        adminkit.run_service_action(
            self, request, queryset, lambda endpoint: services.webhook_endpoint_disable(endpoint=endpoint), "Disabled"
        )

    @admin.action(description="Send a test event to the selected endpoints", permissions=["change"])
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        adminkit.run_service_action(
            self,
            request,
            queryset,
            lambda endpoint: services.webhook_test_send(endpoint=endpoint),
            "Test events queued",
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(adminkit.LargeTableAdminMixin, admin.ModelAdmin):
    """What was sent where, and how it went; written only by the delivery job (and retried from here)."""

    list_display = (
        "event",
        "endpoint",
        "status",
        "last_status_code",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "endpoint", "event")
    list_select_related = ("endpoint",)
    search_fields = ("event_id",)
    date_hierarchy = "created_at"
    actions = ("retry_now",)
    fields = (
        "endpoint",
        "event",
        "event_id",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "last_attempt_at",
        "delivered_at",
        "payload",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The log is only read (a change page would save the row unchanged); retrying is an action of its own.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("webhooks.change_webhookdelivery")

    @admin.action(description="Retry the selected failed deliveries now", permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        adminkit.run_service_action(
            self,
            request,
            queryset,
            lambda delivery: services.webhook_delivery_retry(delivery=delivery),
            "Queued again",
        )
