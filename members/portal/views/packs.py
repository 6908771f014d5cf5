"""Class packs for a member: what is on sale, buying one (invoiced at once), and the credits they hold."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import dateformat
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from billing.models import ClassPack, InvoiceLine
from billing.services import credit_pack_buy
from clubsite.core.clock import club_today
from members.portal.forms import ConfirmForm
from members.portal.selectors import packs_page

from ..mixins import MemberRequiredMixin
from .base import ServiceFormView


class PacksView(MemberRequiredMixin, TemplateView):
    template_name = "members/packs.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=packs_page(member=self.member, today=club_today()), **kwargs)


class PackBuyView(ServiceFormView):
    """Confirm buying a pack; its invoice is issued at once and the member lands on it."""

    template_name = "members/pack_buy.html"
    form_class = ConfirmForm

    @cached_property
    def pack(self) -> ClassPack:
        # A pack taken off sale is still shown (a link may be old); the service refuses to sell it.
        return get_object_or_404(ClassPack, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(pack=self.pack, **kwargs)

    def perform(self, form):
        bought = credit_pack_buy(member=self.member, pack=self.pack)
        invoice_id = InvoiceLine.objects.filter(credit_pack=bought).values_list("invoice_id", flat=True).get()
        messages.success(
            self.request,
            f"You bought the {self.pack.name}: {bought.credits} class credits to use by "
            f"{dateformat.format(bought.expires_on, 'j F Y')}. Here is its invoice.",
        )
        return redirect("members:invoice-detail", invoice_id)
