"""What the billing admin pages share."""

MEMBER_SEARCH_FIELDS = ("member__user__email", "member__user__first_name", "member__user__last_name")
