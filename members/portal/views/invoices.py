"""The member's invoices, with their lines, payments and balance."""

from __future__ import annotations

from django.http import Http404
from django.views.generic import TemplateView, View

from billing.documents import invoice_document, invoice_pdf_response
from billing.models import Invoice
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


class InvoicePdfView(MemberRequiredMixin, View):
    """The member's own invoice as a PDF; another member's, a draft or a void one (it bills nothing) is a 404."""

    def get(self, request, pk):
        invoice = invoice_detail(member=self.member, invoice_id=pk)
        if invoice is None or invoice.status == Invoice.Status.VOID:
            raise Http404("No such invoice.")
        return invoice_pdf_response(invoice_document(invoice))
