"""Admin building blocks every back office shares: service-backed forms and actions, CSV export, big lists."""

from __future__ import annotations

import csv
import datetime
import functools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import ClassVar

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views import main as changelist
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connections, models, transaction
from django.db.models import F, Max, Min, QuerySet
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst

from clubsite.core.dates import club_year, parse_club_moment
from clubsite.core.errors import ClubError
from clubsite.core.forms import add_club_error


class ServiceAdminForm(forms.ModelForm):
    """An admin form whose write is a service call, made as its last validation step.

    A broken rule then shows as a form error naming what collided instead of a traceback, and a rule
    broken by a concurrent change after the form's own checks is caught the same way, because the
    service decides under its locks. ``ServiceAdminMixin.save_model`` has nothing left to save. The
    admin view runs in one transaction, so mail scheduled by the service waits for its commit.
    """

    #: A service's field name -> this form's name for it, where they differ; an error about a field the form
    #: does not show goes above the form.
    error_fields: dict[str, str] = {}

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            try:
                self.instance = self.save_with_service(cleaned_data)
            except ClubError as error:
                add_club_error(self, error, fields=self.error_fields)
        return cleaned_data

    def save_with_service(self, data: dict):
        raise NotImplementedError

    def _post_clean(self):
        # Django's model validation would only repeat what the service checked and the database
        # accepted (and an ExclusionConstraint check fails on a condition over a field the form
        # leaves out), so the service's verdict is the only one.
        pass


class AutocompleteSelect(admin_widgets.AutocompleteSelect):
    """Django's autocomplete, which re-renders a refused form without looking up values that cannot be keys.

    Django's own looks every submitted value up (``id__in=["abc"]``), so a form posted with a word for an id
    failed with a ValueError, a 500, instead of showing the field's "Select a valid choice".
    """

    def optgroups(self, name, value, attr=None):
        key = self.field.target_field

        def is_key(submitted) -> bool:
            try:
                key.to_python(submitted)
            except ValidationError:
                return False
            return True

        return super().optgroups(name, [submitted for submitted in value if is_key(submitted)], attr)


class AutocompleteAdminMixin:
    """A ModelAdmin whose ``autocomplete_fields`` use the AutocompleteSelect above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceAdminMixin(AutocompleteAdminMixin):
    """For a ModelAdmin whose forms are ServiceAdminForms."""

    def save_model(self, request, obj, form, change):
        """The form's service call has saved ``obj`` already."""

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        if request.method == "POST" and form.is_bound and not form.errors:
            # The form's service call wrote, yet the page is shown again (an inline's data was refused):
            # undo the write with the admin view's transaction, so the page and the database agree.
            transaction.set_rollback(True)
        return super().render_change_form(request, context, *args, **kwargs)


def run_service_action(
    modeladmin,
    request,
    queryset: Iterable,
    action: Callable,
    done: str | Callable[[int], str],
) -> int:
    """Apply a service to each selected row, reporting each refusal by name and the successes together.

    ``done`` says what succeeded: a function of the count giving the whole sentence ("1 class cancelled."), or
    a label shown as "Label: 3."."""
    succeeded = 0
    for obj in queryset:
        try:
            action(obj)
        except ClubError as error:
            modeladmin.message_user(request, f"{obj}: {error}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        said = done(succeeded) if callable(done) else f"{done}: {succeeded}."
        modeladmin.message_user(request, said, messages.SUCCESS)
    return succeeded


# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float | bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download; text cells that a spreadsheet would run as a formula are defused with a leading quote."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark, so that spreadsheet programs read names with accents correctly.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return response


# ---------------------------------------------------------------------------------------------
# Changelists over tables that grow with the club
# ---------------------------------------------------------------------------------------------

# The planner's own estimate (the row count of the last ANALYZE, scaled to the table's size on disk now) and,
# only when that is small or unknown, the exact count: PostgreSQL runs the subquery only if the CASE needs it.
_ESTIMATED_ROWS = """
SELECT estimate, CASE WHEN estimate IS NULL OR estimate < %s THEN (SELECT COUNT(*) FROM {table}) END
FROM (
    SELECT CASE WHEN c.reltuples < 0 THEN NULL
                WHEN c.relpages = 0 THEN c.reltuples
                ELSE c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int)
           END AS estimate
    FROM pg_class c WHERE c.oid = to_regclass(%s)
) AS statistics
"""


def _significant(number: int, digits: int = 3) -> int:
    return round(number, digits - len(str(number))) if number else 0


class EstimatedCountPaginator(Paginator):
    """Counts an unfiltered list over a big table from PostgreSQL's statistics instead of reading every row.

    COUNT(*) reads the whole table on every page view, tens of milliseconds per million rows. With no filter
    or search the planner's estimate is within a few percent, enough to say "about 1,000,000" and number the
    pages. A filtered or searched list, and a table smaller than ``exact_below`` rows, is counted exactly.
    """

    exact_below = 20_000
    estimated = False

    @cached_property
    def count(self) -> int:
        counted = self._count_unfiltered()
        if counted is None:
            return super().count
        estimate, exact = counted
        if exact is not None:
            return exact
        if estimate is None:  # the query counts exactly when it cannot estimate; never both unknown
            return super().count
        self.estimated = True
        return estimate

    @property
    def approximate_count(self) -> int:
        """The count to show: three significant digits when it is an estimate, no false precision."""
        return _significant(self.count) if self.estimated else self.count

    def page(self, number):
        if not self.estimated:
            return super().page(number)
        # The last page is not cut at the estimate: rows past it stay reachable.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    def _count_unfiltered(self) -> tuple[int | None, int | None] | None:
        """(estimate, exact count when the estimate is small or unknown) for an unfiltered queryset, in one
        query; None for anything else, which Django counts."""
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return None
        query = queryset.query
        connection = connections[queryset.db]
        filtered = query.where or query.distinct or query.group_by is not None or query.combinator or query.is_sliced
        if filtered or connection.vendor != "postgresql":
            return None
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(_ESTIMATED_ROWS.format(table=table), [self.exact_below, table])
            estimate, exact = cursor.fetchone()
        return (None if estimate is None else int(estimate)), exact


_PERIOD_KINDS = ("year", "month", "day")


def _period_starts(first: datetime.date, last: datetime.date, kind: str) -> list[datetime.date]:
    if kind == "year":
        return [datetime.date(year, 1, 1) for year in range(first.year, last.year + 1)]
    if kind == "month":
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        return [datetime.date(month // 12, month % 12 + 1, 1) for month in months]
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def _period_end(start: datetime.date, kind: str) -> datetime.date:
    if kind == "year":
        return start.replace(year=start.year + 1)
    if kind == "month":
        return (start + datetime.timedelta(days=32)).replace(day=1)
    return start + datetime.timedelta(days=1)


class IndexedDatesQuerySet(QuerySet):
    """A queryset whose date hierarchy reads follow an index instead of reading every row.

    The admin's date hierarchy asks for the first and last dates (MIN and MAX), then for the years, months
    or days that hold rows (``dates()``/``datetimes()``). Django truncates every row's date and
    de-duplicates them, a read of the whole table: half a second over a million rows, and MIN/MAX over a
    join cannot use an index at all. Here the first and last dates are the first row in each direction of
    the field's order, and one query asks EXISTS for each candidate period between them: an index lookup
    each when the field is indexed. Any other use falls back to Django's own version.
    """

    #: More candidate periods than this (a day list over years) goes to Django's query instead.
    max_probes = 400

    def aggregate(self, *args, **kwargs):
        edges = {alias: _edge_of(expression) for alias, expression in kwargs.items()}
        if args or not edges or None in edges.values() or not self._plain():
            return super().aggregate(*args, **kwargs)
        cache = self.__dict__.setdefault("_edges", {})
        missing = sorted({edge for edge in edges.values() if edge not in cache})
        if missing:
            subqueries = []
            for field_name, descending in missing:
                ordered = self.filter(**{f"{field_name}__isnull": False}).order_by(
                    f"-{field_name}" if descending else field_name
                )
                subqueries.append(ordered.values_list(field_name)[:1])
            cache.update(zip(missing, self._select(subqueries, "({})", nothing="NULL"), strict=True))
        return {alias: cache[edge] for alias, edge in edges.items()}

    def dates(self, field_name, kind, order="ASC"):
        found = self._probe(field_name, kind, order, zone=None)
        return super().dates(field_name, kind, order) if found is None else found

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        zone = (tzinfo or timezone.get_current_timezone()) if settings.USE_TZ else None
        found = self._probe(field_name, kind, order, zone=zone, moments=True)
        return super().datetimes(field_name, kind, order, tzinfo) if found is None else found

    def _plain(self) -> bool:
        query = self.query
        return not (query.is_sliced or query.combinator or query.distinct or query.group_by is not None)

    def _select(self, subqueries: list[QuerySet], template: str, *, nothing: str) -> tuple:
        """One row holding each subquery, placed in ``template``: one round trip for all of them.

        A subquery Django knows matches no row (a filter on an id no column can hold, say) has no SQL;
        ``nothing`` stands in for its value, as Django's own query would return nothing for it.
        """
        parts, params = [], []
        for subquery in subqueries:
            try:
                sql, subquery_params = subquery.query.get_compiler(self.db).as_sql()
            except EmptyResultSet:
                parts.append(nothing)
                continue
            parts.append(template.format(sql))
            params.extend(subquery_params)
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            return cursor.fetchone()

    def _probe(self, field_name, kind, order, *, zone, moments=False):
        if kind not in _PERIOD_KINDS or not self._plain():
            return None
        bounds = self.aggregate(first=Min(field_name), last=Max(field_name))
        first, last = bounds["first"], bounds["last"]
        if first is None or last is None:
            return []
        if moments:
            first, last = (timezone.localtime(v, zone).date() if zone else v.date() for v in (first, last))
        starts = _period_starts(first, last, kind)
        if len(starts) > self.max_probes:
            return None

        def moment(day: datetime.date):
            if not moments:
                return day
            naive = datetime.datetime.combine(day, datetime.time.min)
            return timezone.make_aware(naive, zone) if zone else naive

        probes = [
            self.filter(**{f"{field_name}__gte": moment(start), f"{field_name}__lt": moment(_period_end(start, kind))})
            .order_by()
            .values("pk")[:1]
            for start in starts
        ]
        held = self._select(probes, "EXISTS ({})", nothing="false")
        found = [moment(start) for start, holds in zip(starts, held, strict=True) if holds]
        return found[::-1] if order == "DESC" else found


def _edge_of(expression) -> tuple[str, bool] | None:
    """(field, descending) for a plain ``Min("field")`` or ``Max("field")``; None for anything else."""
    if type(expression) not in (Min, Max) or expression.filter is not None or expression.distinct:
        return None
    sources = expression.source_expressions
    if len(sources) != 1 or not isinstance(sources[0], F):
        return None
    return sources[0].name, type(expression) is Max


class LargeTableAdminMixin:
    """For a changelist over a table that grows with the club (hundreds of thousands of rows and more).

    An unfiltered list is counted from PostgreSQL's statistics and shown as "about N"; no second COUNT(*) of
    the whole table for "N results (M total)"; the date hierarchy probes an index per year, month or day
    (keep ``date_hierarchy`` only on an indexed field). Order the list by an indexed column, or every page
    reads and sorts the whole table.

    Once the queries are cheap, drawing the rows is most of a page's time: 50 rows a page rather than 100,
    and the row checkboxes written directly rather than through a widget template each.
    """

    paginator: ClassVar[type] = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return IndexedDatesQuerySet(model=queryset.model, query=queryset.query.chain(), using=queryset.db)

    def action_checkbox(self, obj):
        # The same markup as Django's checkbox widget, without rendering a widget template per row.
        label = f"Select this object for an action - {obj}"
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )


# ---------------------------------------------------------------------------------------------
# The club's admin site: every changelist reads the dates in its address within the club's dates
# ---------------------------------------------------------------------------------------------

# The changelist's own parameters (paging, ordering, search, popups): never a field's lookup.
_CHANGELIST_PARAMETERS = {
    changelist.ALL_VAR,
    changelist.ORDER_VAR,
    changelist.PAGE_VAR,
    changelist.SEARCH_VAR,
    changelist.ERROR_FLAG,
    # The popup, its target field and the facet counts (django.contrib.admin.options' names for them).
    "_popup",
    "_to_field",
    "_facets",
    "_changelist_filters",
}
_DATE_PARTS = {"month": (1, 12), "day": (1, 31)}
# Lookups whose value is not a date of the field: a yes/no (``isnull``, and ``isempty`` of Django's
# EmptyFieldListFilter). A list of dates is read one by one below.
_NOT_DATE_VALUED = {"isnull", "isempty"}


def _date_field_lookup(model: type[models.Model], name: str) -> tuple[str, models.Field, list[str]] | None:
    """(the field's path, the date field, the lookups after it) when the parameter ``name`` filters on a date or
    date and time (``started_on``, ``booking__start_time__year``, ``created_at__gte``); None for any other."""
    parts = name.split("__")
    for index, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation:
            related = field.related_model
            if not isinstance(related, type):  # a generic relation has no one model to walk into
                return None
            model = related
            continue
        if isinstance(field, models.DateField):  # a DateTimeField is one too
            return "__".join(parts[: index + 1]), field, parts[index + 1 :]
        return None
    return None


def _date_value_problem(lookups: list[str], values: list[str]) -> str | None:
    lookup = lookups[0] if lookups else "exact"
    if lookup in _NOT_DATE_VALUED:
        return None
    try:
        for value in values:
            if lookup == "year":
                club_year(value)
            elif lookup in _DATE_PARTS:
                low, high = _DATE_PARTS[lookup]
                if not (value.isdigit() and low <= int(value) <= high):
                    return f"Enter a {lookup} as a number from {low} to {high}."
            else:
                for each in value.split(",") if lookup in ("in", "range") else [value]:
                    parse_club_moment(each)
    except ValidationError as error:
        return error.messages[0]
    return None


def date_parameter_problems(model: type[models.Model], query: QueryDict) -> dict[str, str]:
    """The parameters of a changelist's address that filter on a date (a date hierarchy's year, month and day,
    a date filter's bounds, a plain date lookup) and are not a date within the club's dates, each with what to
    tell the person. A field's other date parameters go with a refused one: a month means nothing without its
    year, a range nothing without its other end."""
    lookups_of: dict[str, list[str]] = {}
    refused: dict[str, str] = {}
    for name, values in query.lists():
        if name in _CHANGELIST_PARAMETERS:
            continue
        found = _date_field_lookup(model, name)
        if found is None:
            continue
        path, field, lookups = found
        lookups_of.setdefault(path, []).append(name)
        problem = _date_value_problem(lookups, values)
        if problem is not None and path not in refused:
            refused[path] = f"{capfirst(field.verbose_name)}: {problem}"
    return {name: problem for path, problem in refused.items() for name in lookups_of[path]}


class BoundedDatesAdminMixin:
    """A changelist refuses a date in its address outside the club's dates with a message, never a 500.

    Django steps past a date hierarchy's year 9999 (to year 10000) and sends any year to the database; the list
    is shown again without the refused parameters, the others kept, with the reason above it.
    """

    def changelist_view(self, request, extra_context=None):
        problems = date_parameter_problems(self.model, request.GET)
        if not problems:
            return super().changelist_view(request, extra_context)
        for problem in dict.fromkeys(problems.values()):
            self.message_user(request, problem, messages.ERROR)
        kept = request.GET.copy()
        for name in problems:
            kept.pop(name)
        return HttpResponseRedirect(f"{request.path}?{kept.urlencode()}" if kept else request.path)


class ClubAdminSite(admin.AdminSite):
    """The back office's admin site: every ModelAdmin registered with it (the project's and the packages')
    reads the dates in its changelist's address within the club's dates (``BoundedDatesAdminMixin``)."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BoundedDatesAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (BoundedDatesAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        return super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        """Every back-office view (the index, each ModelAdmin's pages, the desk and the billing runs) opens only
        once a person who must use two-factor sign-in has confirmed it in this session; else they are sent to
        set it up or to the code step (``clubsite.accounts.twofactor.gate``). Signing out is never held up."""
        # Imported here: this module is loaded with the app registry, before any model may be.
        from clubsite.accounts.twofactor.gate import second_factor_refusal

        if view == self.logout:
            return super().admin_view(view, cacheable)

        @functools.wraps(view)
        def gated(request, *args, **kwargs):
            refused = second_factor_refusal(request)
            return refused if refused is not None else view(request, *args, **kwargs)

        return super().admin_view(gated, cacheable)

    def login(self, request, extra_context=None):
        """Django's admin sign-in page, signing in as the site's does: a person with two-factor sign-in goes on to
        the code step, so this page is never a way in that skips it."""
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        from django.contrib.admin.forms import AdminAuthenticationForm

        from clubsite.accounts.twofactor.views import SignInView

        context = {
            **self.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return SignInView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
            redirect_authenticated_user=False,
        )(request)


class ClubAdminConfig(AdminConfig):
    """``django.contrib.admin`` with the club's site as ``admin.site`` (INSTALLED_APPS names this)."""

    default_site = "clubsite.adminkit.ClubAdminSite"
