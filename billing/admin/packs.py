"""Class packs: the packs the club sells (its catalogue), and the packs members bought with their credits left.

A pack is sold to a member here through ``credit_pack_buy``, which issues its invoice at once.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse

from clubsite import adminkit
from clubsite.core.clock import club_today

from .. import services
from ..models import ClassPack, CreditPack
from ._common import MEMBER_SEARCH_FIELDS, day_text, money_column


class ClassPackForm(adminkit.ServiceAdminForm):
    class Meta:
        model = ClassPack
        fields = ("name", "credits", "price", "valid_days", "is_active")

    def save_with_service(self, data):
        values = {
            "name": data["name"],
            "credits": data["credits"],
            "price": data["price"],
            "valid_days": data["valid_days"],
            "is_active": data.get("is_active", False),
        }
        if self.instance.pk is None:
            return services.class_pack_create(**values)
        return services.class_pack_update(pack=self.instance, **values)


@admin.register(ClassPack)
class ClassPackAdmin(adminkit.ServiceAdminMixin, admin.ModelAdmin):
    form = ClassPackForm
    list_display = ("name", "credits", "selling_price", "valid_days", "is_active", "sold")
    list_filter = ("is_active",)
    search_fields = ("name",)

    selling_price = money_column("price", "price", ordering="price")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(sold_count=Count("purchases"))

    def has_delete_permission(self, request, obj=None):
        # Packs bought refer to it; a pack no longer sold is made inactive.
        return False

    @admin.display(description="sold", ordering="sold_count")
    def sold(self, pack) -> int:
        return pack.sold_count


class CreditPackBuyForm(adminkit.ServiceAdminForm):
    class Meta:
        model = CreditPack
        fields = ("member", "pack")
        help_texts = {"pack": "Its invoice is issued at once; the credits can be used straight away."}

    def save_with_service(self, data):
        return services.credit_pack_buy(member=data["member"], pack=data["pack"])


class CreditsFilter(admin.SimpleListFilter):
    title = "credits"
    parameter_name = "credits"

    def lookups(self, request, model_admin):
        return [("usable", "Usable"), ("used", "All used"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        today = club_today()
        if self.value() == "usable":
            return queryset.filter(credits_left__gt=0, expires_on__gte=today)
        if self.value() == "used":
            return queryset.filter(credits_left=0)
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        return queryset


@admin.register(CreditPack)
class CreditPackAdmin(adminkit.LargeTableAdminMixin, adminkit.ServiceAdminMixin, admin.ModelAdmin):
    """Packs bought: shown, never edited (credits move only as classes are booked and given up); sold here."""

    form = CreditPackBuyForm
    list_display = ("member", "pack", "left", "bought_at", "expires_on", "usable")
    list_filter = (CreditsFilter, "pack")
    list_select_related = ("member__user", "pack")
    search_fields = MEMBER_SEARCH_FIELDS
    autocomplete_fields = ("member",)
    # Newest first along the primary key: the list never sorts the whole table.
    ordering = ("-id",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("member", "pack")
        return ("member", "pack", "credits", "credits_left", "bought_at", "expires_on")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pack":
            # Only what is on sale; a plain select, as a club sells a few packs.
            kwargs["queryset"] = ClassPack.objects.filter(is_active=True).order_by("credits", "name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Its invoice line and the classes it paid for refer to it.
        return False

    def response_add(self, request, obj, post_url_continue=None):
        text = (
            f"{obj.member} bought {obj.pack}: {obj.credits} class credits to use by {day_text(obj.expires_on)}; "
            "its invoice was issued."
        )
        self.message_user(request, text, messages.SUCCESS)
        # The member's packs, the new one first.
        changelist = reverse("admin:billing_creditpack_changelist")
        return HttpResponseRedirect(f"{changelist}?member__id__exact={obj.member_id}")

    @admin.display(description="credits left", ordering="credits_left")
    def left(self, pack: CreditPack) -> str:
        return f"{pack.credits_left} of {pack.credits}"

    @admin.display(description="usable", boolean=True)
    def usable(self, pack: CreditPack) -> bool:
        return pack.credits_left > 0 and pack.expires_on >= club_today()
