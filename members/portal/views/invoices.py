"""The member's invoices, with their lines, payments and balance."""

from __future__ import annotations

from django.http import Http404
from django.views.generic import TemplateView

from billing.selectors import invoice_detail, invoice_list_for_member, member_outstanding_balance
from clubsite.pagination import paginate

from ..mixins import MemberRequiredMixin


class InvoiceListView(MemberRequiredMixin, TemplateView):
    template_name = "members/invoice_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_obj"] = paginate(self.request, invoice_list_for_member(member=self.member))
        context["outstanding_balance"] = member_outstanding_balance(member=self.member)
        return context


class InvoiceDetailView(MemberRequiredMixin, TemplateView):
    template_name = "members/invoice_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invoice = invoice_detail(member=self.member, invoice_id=self.kwargs["pk"])
        if invoice is None:
            raise Http404("No such invoice.")
        context["invoice"] = invoice
        return context
