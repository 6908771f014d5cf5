"""A large club for benchmarks: N copies of a base club, generated inside PostgreSQL in set-based
INSERT … SELECT statements (the fastest way to make tens of millions of rows; nothing crosses the wire).

The base club (scale 1) has 1,000 members with 100 health metrics each, 6 trainers, 5 rooms,
20 classes with 10,000 registrations, 2,000 PT sessions and 3,000 invoices. Scale 100 is the
performance target of docs/performance.md.

Two triggers are set aside during the load, because firing them per row would cost minutes:
the last_metric_at trigger (its result is recomputed in one statement afterwards) and the class
capacity trigger (the loaded data is checked against every capacity afterwards). Both are verified
before the transaction commits; a failed check rolls the whole load back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

BASE = {
    "members": 1_000,
    "metrics_per_member": 100,
    "trainers": 6,
    "rooms": 5,
    "classes": 20,
    "pt_sessions": 2_000,
    "invoice_months": 3,
}
# Every tenth class is held in a room (capacity 40, 40 seated and 10 waitlisted); the others are
# live-streamed (no room), for 600 people, 550 of them registered: 10,000 registrations per 20 classes.
ROOM_CLASS_EVERY = 10
ROOM_CLASS_CAPACITY, ROOM_CLASS_SEATED, ROOM_CLASS_WAITLISTED = 40, 40, 10
ONLINE_CLASS_CAPACITY, ONLINE_CLASS_REGISTERED = 600, 550
CLASSES_PER_DAY = 8  # at 07:00, 09:00, … 21:00, each 45 minutes
PT_PER_DAY = 5  # at 08:00, 10:00, … 16:00, each an hour: never at a class's time
#: The plans the members are on (one in three each), with the terms of the demo club's plans of those names.
BULK_PLANS = ("Off-Peak Gym", "Classes 8", "Unlimited")
EMAIL_PATTERN = "bulk.member.{n}@example.com"
MARKER_EMAIL = EMAIL_PATTERN.format(n=0)

FIRST_NAMES = [
    "Aaron", "Abigail", "Adam", "Amelia", "Bob", "Bella", "Carlos", "Chloe", "David", "Daisy", "Elijah",
    "Emma", "Farah", "Freddie", "George", "Hannah", "Ivan", "Ivy", "James", "Jasmine", "Kai", "Lara",
    "Liam", "Mohammed", "Nadia", "Oscar", "Paula", "Rohan", "Sofia", "Theo", "Uma", "Zara",
]
LAST_NAMES = [
    "Adams", "Baker", "Roberts", "Chen", "Dubois", "Edwards", "Fernandez", "Garcia", "Hughes", "Ito",
    "Johnson", "Kowalski", "Lopez", "Murphy", "Nowak", "O'Brien", "Patel", "Quinn", "Rossi", "Smith",
    "Tanaka", "Usman", "Varga", "Williams", "Young", "Zhang",
]


class BulkLoadError(Exception):
    """The loaded data failed a check; the whole load was rolled back."""


class BulkLoader:
    def __init__(self, *, scale: int, progress: Callable[[str, int, int], None]) -> None:
        self.scale = scale
        self.progress = progress
        self.members = BASE["members"] * scale
        self.trainers = BASE["trainers"] * scale
        self.rooms = BASE["rooms"] * scale
        self.classes = BASE["classes"] * scale
        self.pt_sessions = BASE["pt_sessions"] * scale
        # The app's clock, not PostgreSQL's now(): the rows agree with what the app will compare them to.
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.zone = timezone.get_current_timezone_name()
        self.counts: dict[str, int] = {}

    # -- helpers ---------------------------------------------------------------------------------

    def _execute(self, sql: str, params: dict | None = None) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, {"now": self.now, **(params or {})})
            return cursor.rowcount

    def _scalar(self, sql: str, params: dict | None = None):
        with connection.cursor() as cursor:
            cursor.execute(sql, {"now": self.now, **(params or {})})
            return cursor.fetchone()[0]

    def _params(self, **extra) -> dict:
        return {"zone": self.zone, "today": self.today, **extra}

    # -- the load --------------------------------------------------------------------------------

    def already_loaded(self) -> bool:
        return bool(self._scalar("SELECT count(*) FROM accounts_user WHERE email = %(e)s", {"e": MARKER_EMAIL}))

    def load(self) -> dict[str, int]:
        steps = [
            ("plans and rooms", self._plans_and_rooms),
            ("members", self._members),
            ("trainers and availability", self._trainers),
            ("classes", self._classes),
            ("registrations", self._registrations),
            ("personal training sessions", self._pt_sessions),
            ("memberships, goals and invoices", self._billing),
            ("health metrics", self._metrics),
            ("recompute and verify", self._verify),
            ("analyze", self._analyze),
        ]
        with transaction.atomic():
            # Django's foreign keys are deferred to commit; queued for millions of rows they would
            # hold every pending check in memory, so check each statement's rows as it runs.
            self._execute("SET CONSTRAINTS ALL IMMEDIATE")
            self._execute("ALTER TABLE members_healthmetric DISABLE TRIGGER members_member_track_last_metric")
            self._execute(
                "ALTER TABLE operations_classregistration DISABLE TRIGGER operations_classregistration_capacity"
            )
            for label, step in steps[:-1]:
                step(label)
            self._execute("ALTER TABLE members_healthmetric ENABLE TRIGGER members_member_track_last_metric")
            self._execute(
                "ALTER TABLE operations_classregistration ENABLE TRIGGER operations_classregistration_capacity"
            )
        label, step = steps[-1]
        step(label)  # ANALYZE outside the transaction, so the planner sees the new sizes at once
        return self.counts

    def _chunked(self, label: str, total: int, chunk: int, insert: Callable[[int, int], int]) -> int:
        done = rows = 0
        self.progress(label, 0, total)
        while done < total:
            upper = min(done + chunk, total)
            rows += insert(done, upper)
            done = upper
            self.progress(label, done, total)
        return rows

    def _plans_and_rooms(self, label: str) -> None:
        self.progress(label, 0, 1)
        self._execute(
            """
            INSERT INTO billing_membershipplan (name, monthly_fee, joining_fee, classes, classes_per_month,
                                                minimum_term_months, notice_months, description, is_active)
            VALUES ('Off-Peak Gym', 25.00, 0.00, 'none', NULL, 0, 1, 'Weekdays before 16:00 and weekends.', true),
                   ('Classes 8', 45.00, 20.00, 'allowance', 8, 3, 1, 'The gym and eight classes a month.', true),
                   ('Unlimited', 65.00, 20.00, 'unlimited', NULL, 12, 1, 'The gym and every group class.', true)
            ON CONFLICT (name) DO NOTHING
            """
        )
        self.counts["rooms"] = self._execute(
            """
            CREATE TEMP TABLE bulk_room ON COMMIT DROP AS
            SELECT n, nextval(pg_get_serial_sequence('operations_room', 'id')) AS id
              FROM generate_series(0, %(rooms)s - 1) n;
            INSERT INTO operations_room (id, name, location, capacity)
            SELECT id, 'Bulk room ' || (n + 1), 'Site ' || (n / 5 + 1), 40 FROM bulk_room;
            """,
            {"rooms": self.rooms},
        )
        self.progress(label, 1, 1)

    def _members(self, label: str) -> None:
        password = make_password(None)  # bulk members cannot sign in; benchmarks use the test client
        self._execute(
            """
            CREATE TEMP TABLE bulk_member (n integer PRIMARY KEY, user_id bigint, id bigint) ON COMMIT DROP;
            INSERT INTO bulk_member
            SELECT n, nextval(pg_get_serial_sequence('accounts_user', 'id')),
                      nextval(pg_get_serial_sequence('members_member', 'id'))
              FROM generate_series(0, %(members)s - 1) n;
            """,
            {"members": self.members},
        )

        def insert(lower: int, upper: int) -> int:
            params = self._params(
                lower=lower, upper=upper, password=password, first=FIRST_NAMES, last=LAST_NAMES
            )
            self._execute(
                """
                INSERT INTO accounts_user (id, password, is_superuser, email, first_name, last_name,
                                           is_staff, is_active, date_joined)
                SELECT user_id, %(password)s, false, 'bulk.member.' || n || '@example.com',
                       (%(first)s::text[])[1 + n %% cardinality(%(first)s::text[])],
                       (%(last)s::text[])[1 + (n / cardinality(%(first)s::text[])) %% cardinality(%(last)s::text[])],
                       false, true, %(now)s - (n %% 900) * interval '1 day'
                  FROM bulk_member WHERE n >= %(lower)s AND n < %(upper)s;
                """,
                params,
            )
            count = self._execute(
                """
                INSERT INTO members_member (id, user_id, date_of_birth, gender, phone, created_at)
                SELECT id, user_id, DATE '1960-01-01' + (n * 37) %% 16000,
                       (ARRAY['female', 'male', 'other', 'undisclosed'])[1 + n %% 4],
                       '07700 ' || lpad((n %% 1000000)::text, 6, '0'), %(now)s - (n %% 900) * interval '1 day'
                  FROM bulk_member WHERE n >= %(lower)s AND n < %(upper)s;
                """,
                params,
            )
            # Every bulk member consented to processing health metrics when they joined (they have a history).
            self._execute(
                """
                INSERT INTO members_metricsconsent (member_id, notice_version, given_at)
                SELECT id, %(notice)s, %(now)s - (n %% 900) * interval '1 day'
                  FROM bulk_member WHERE n >= %(lower)s AND n < %(upper)s;
                """,
                {**params, "notice": settings.CLUB_PRIVACY_NOTICE_VERSION},
            )
            return count

        self.counts["members"] = self._chunked(label, self.members, 20_000, insert)

    def _trainers(self, label: str) -> None:
        self.progress(label, 0, 2)
        self._execute(
            """
            CREATE TEMP TABLE bulk_trainer ON COMMIT DROP AS
            SELECT n, nextval(pg_get_serial_sequence('accounts_user', 'id')) AS user_id,
                      nextval(pg_get_serial_sequence('trainers_trainer', 'id')) AS id
              FROM generate_series(0, %(trainers)s - 1) n;
            INSERT INTO accounts_user (id, password, is_superuser, email, first_name, last_name,
                                       is_staff, is_active, date_joined)
            SELECT user_id, %(password)s, false, 'bulk.trainer.' || n || '@example.com',
                   (%(first)s::text[])[1 + (n * 7) %% cardinality(%(first)s::text[])],
                   (%(last)s::text[])[1 + (n * 11) %% cardinality(%(last)s::text[])], false, true, %(now)s
              FROM bulk_trainer;
            INSERT INTO trainers_trainer (id, user_id, specialization, phone, hourly_rate, is_active)
            SELECT id, user_id, (ARRAY['Strength', 'Yoga', 'HIIT', 'Spin', 'Pilates', 'Rehabilitation'])[1 + n %% 6],
                   '020 7946 ' || lpad((n %% 10000)::text, 4, '0'), 35 + (n %% 4) * 5, true
              FROM bulk_trainer;
            """,
            {"trainers": self.trainers, "password": make_password(None), "first": FIRST_NAMES, "last": LAST_NAMES},
        )
        self.progress(label, 1, 2)
        # One window a day, 06:00-23:00 club time, over every day that holds a class or a session.
        days = self._class_days()
        self.counts["availability windows"] = self._execute(
            """
            INSERT INTO trainers_traineravailability (trainer_id, start_time, end_time)
            SELECT t.id, ((%(today)s::date + d) + time '06:00') AT TIME ZONE %(zone)s,
                         ((%(today)s::date + d) + time '23:00') AT TIME ZONE %(zone)s
              FROM bulk_trainer t CROSS JOIN generate_series(%(first)s, %(last)s) d;
            """,
            self._params(first=-days, last=days),
        )
        self.progress(label, 2, 2)

    def _class_days(self) -> int:
        """Days either side of today that the classes and sessions spread over."""
        class_days = self.classes // CLASSES_PER_DAY // 2 + 1
        pt_days = self.pt_sessions // self.trainers // PT_PER_DAY // 2 + 1
        return max(class_days, pt_days)

    def _classes(self, label: str) -> None:
        self.progress(label, 0, 1)
        first_day = -(self.classes // CLASSES_PER_DAY // 2)
        self._execute(
            """
            CREATE TEMP TABLE bulk_class ON COMMIT DROP AS
            SELECT c, nextval(pg_get_serial_sequence('operations_booking', 'id')) AS booking_id,
                      nextval(pg_get_serial_sequence('operations_groupclass', 'id')) AS id,
                      ((%(today)s::date + %(first_day)s + c / %(per_day)s)
                        + make_time(7 + 2 * (c %% %(per_day)s), 0, 0)) AT TIME ZONE %(zone)s AS start_time,
                      c %% %(room_every)s = 0 AS in_room
              FROM generate_series(0, %(classes)s - 1) c;
            INSERT INTO operations_booking
                   (id, room_id, trainer_id, start_time, end_time, status, kind, title, created_at)
            SELECT b.booking_id,
                   CASE WHEN b.in_room THEN r.id END,
                   t.id, b.start_time, b.start_time + interval '45 minutes',
                   CASE WHEN b.start_time < %(now)s THEN 'completed' ELSE 'scheduled' END, 'class', '', %(now)s
              FROM bulk_class b
              JOIN bulk_trainer t ON t.n = b.c %% %(trainers)s
              JOIN bulk_room r ON r.n = (b.c / %(room_every)s) %% %(rooms)s;
            INSERT INTO operations_groupclass (id, booking_id, name, description, level, capacity, price)
            SELECT b.id, b.booking_id,
                   (ARRAY['Spin', 'Yoga Flow', 'HIIT', 'Pilates', 'Boxfit', 'Barbell Club', 'Zumba', 'Core'])
                       [1 + b.c %% 8],
                   CASE WHEN b.in_room THEN 'In the studio.' ELSE 'Live-streamed.' END,
                   (ARRAY['all', 'beginner', 'intermediate', 'advanced'])[1 + b.c %% 4],
                   CASE WHEN b.in_room THEN %(room_capacity)s ELSE %(online_capacity)s END,
                   (b.c %% 3) * 4.00
              FROM bulk_class b;
            """,
            self._params(
                first_day=first_day,
                per_day=CLASSES_PER_DAY,
                classes=self.classes,
                room_every=ROOM_CLASS_EVERY,
                trainers=self.trainers,
                rooms=self.rooms,
                room_capacity=ROOM_CLASS_CAPACITY,
                online_capacity=ONLINE_CLASS_CAPACITY,
            ),
        )
        self.counts["classes"] = self.classes
        self.progress(label, 1, 1)

    def _registrations(self, label: str) -> None:
        def insert(lower: int, upper: int) -> int:
            # Members (c * 550 + r) mod M are distinct within a class, so one live registration each.
            return self._execute(
                """
                INSERT INTO operations_classregistration (member_id, group_class_id, registered_at, status)
                SELECT m.id, b.id, b.start_time - interval '3 days' + r * interval '1 minute',
                       CASE
                         WHEN b.in_room AND r >= %(room_seated)s THEN
                           CASE WHEN b.start_time < %(now)s THEN 'cancelled' ELSE 'waitlisted' END
                         WHEN b.start_time < %(now)s THEN 'attended'
                         ELSE 'registered'
                       END
                  FROM bulk_class b
                  CROSS JOIN LATERAL generate_series(
                      0, CASE WHEN b.in_room THEN %(room_total)s ELSE %(online_total)s END - 1) r
                  JOIN bulk_member m ON m.n = (b.c * %(online_total)s + r) %% %(members)s
                 WHERE b.c >= %(lower)s AND b.c < %(upper)s;
                """,
                {
                    "lower": lower,
                    "upper": upper,
                    "room_seated": ROOM_CLASS_SEATED,
                    "room_total": ROOM_CLASS_SEATED + ROOM_CLASS_WAITLISTED,
                    "online_total": ONLINE_CLASS_REGISTERED,
                    "members": self.members,
                },
            )

        self.counts["registrations"] = self._chunked(label, self.classes, max(self.classes // 20, 1), insert)

    def _pt_sessions(self, label: str) -> None:
        per_trainer_days = self.pt_sessions // self.trainers // PT_PER_DAY
        self._execute(
            """
            CREATE TEMP TABLE bulk_pt ON COMMIT DROP AS
            SELECT i, nextval(pg_get_serial_sequence('operations_booking', 'id')) AS booking_id,
                   i %% %(trainers)s AS trainer_n, i %% %(members)s AS member_n,
                   ((%(today)s::date - %(half)s + (i / %(trainers)s) / %(per_day)s)
                     + make_time(8 + 2 * ((i / %(trainers)s) %% %(per_day)s), 0, 0)) AT TIME ZONE %(zone)s AS start_time
              FROM generate_series(0, %(sessions)s - 1) i;
            """,
            self._params(
                trainers=self.trainers,
                members=self.members,
                half=per_trainer_days // 2,
                per_day=PT_PER_DAY,
                sessions=self.pt_sessions,
            ),
        )

        def insert(lower: int, upper: int) -> int:
            params = {"lower": lower, "upper": upper}
            self._execute(
                """
                INSERT INTO operations_booking
                       (id, room_id, trainer_id, start_time, end_time, status, kind, title, created_at)
                SELECT p.booking_id, NULL, t.id, p.start_time, p.start_time + interval '1 hour',
                       CASE
                         WHEN p.start_time >= %(now)s THEN 'scheduled'
                         WHEN p.i %% 20 = 0 THEN 'cancelled'
                         WHEN p.i %% 20 = 1 THEN 'no_show'
                         ELSE 'completed'
                       END, 'pt', '', %(now)s
                  FROM bulk_pt p JOIN bulk_trainer t ON t.n = p.trainer_n
                 WHERE p.i >= %(lower)s AND p.i < %(upper)s;
                """,
                params,
            )
            return self._execute(
                """
                INSERT INTO operations_personaltrainingsession (booking_id, member_id, price, notes, trainer_notes)
                SELECT p.booking_id, m.id, tr.hourly_rate, '', ''
                  FROM bulk_pt p
                  JOIN bulk_member m ON m.n = p.member_n
                  JOIN bulk_trainer t ON t.n = p.trainer_n
                  JOIN trainers_trainer tr ON tr.id = t.id
                 WHERE p.i >= %(lower)s AND p.i < %(upper)s;
                """,
                params,
            )

        self.counts["PT sessions"] = self._chunked(label, self.pt_sessions, max(self.pt_sessions // 10, 1), insert)

    def _billing(self, label: str) -> None:
        months = BASE["invoice_months"]
        self.progress(label, 0, 3)
        self._execute(
            """
            CREATE TEMP TABLE bulk_membership ON COMMIT DROP AS
            SELECT m.n, m.id AS member_id, nextval(pg_get_serial_sequence('billing_membership', 'id')) AS id,
                   p.id AS plan_id, p.name AS plan_name, p.monthly_fee
              FROM bulk_member m
              JOIN (SELECT id, name, monthly_fee, row_number() OVER (ORDER BY monthly_fee, name) - 1 AS k
                      FROM billing_membershipplan WHERE name = ANY(%(plans)s)) p
                ON p.k = m.n %% 3;
            INSERT INTO billing_membership (id, member_id, plan_id, started_on, ended_on, cancelled_on)
            SELECT id, member_id, plan_id, date_trunc('month', %(today)s::date - 400)::date,
                   -- One member in 25 gave notice ten days ago: the plans' month of notice runs to then.
                   CASE WHEN n %% 25 = 0 THEN (%(today)s::date - 10 + interval '1 month' - interval '1 day')::date END,
                   CASE WHEN n %% 25 = 0 THEN %(today)s::date - 10 END
              FROM bulk_membership;
            INSERT INTO members_fitnessgoal
                   (member_id, goal_type, target_value, unit, target_date, is_active, created_at)
            SELECT member_id, 'lose_weight', 70 + n %% 20, 'kg', %(today)s::date + 30 + n %% 300, true, %(now)s
              FROM bulk_membership;
            """,
            self._params(plans=list(BULK_PLANS)),
        )
        self.progress(label, 1, 3)
        # Invoices for the last `months` whole months: the oldest paid, then a mix of every status.
        self.counts["invoices"] = self._execute(
            """
            CREATE TEMP TABLE bulk_invoice ON COMMIT DROP AS
            SELECT ms.n, ms.member_id, ms.id AS membership_id, ms.plan_name, ms.monthly_fee, k,
                   nextval(pg_get_serial_sequence('billing_invoice', 'id')) AS id,
                   (date_trunc('month', %(today)s::date) - (k || ' months')::interval)::date AS period_start,
                   CASE
                     WHEN k > 1 THEN 'paid'
                     WHEN (ms.n %% 6) IN (0, 1, 2) THEN 'issued'
                     WHEN (ms.n %% 6) IN (3, 4) THEN 'draft'
                     ELSE 'void'
                   END AS status
              FROM bulk_membership ms CROSS JOIN generate_series(1, %(months)s) k;
            INSERT INTO billing_invoice (id, member_id, number, period_start, period_end, created_at,
                                         issued_at, due_date, status)
            SELECT id, member_id,
                   CASE WHEN status = 'draft' THEN NULL
                        ELSE 'INV-' || extract(year FROM period_start) || '-' || lpad(id::text, 6, '0') END,
                   period_start, (period_start + interval '1 month - 1 day')::date, %(now)s,
                   CASE WHEN status = 'draft' THEN NULL
                        ELSE (period_start + interval '1 month' + interval '9 hours') AT TIME ZONE %(zone)s END,
                   CASE WHEN status = 'draft' THEN NULL ELSE (period_start + interval '1 month 14 days')::date END,
                   status
              FROM bulk_invoice;
            """,
            self._params(months=months),
        )
        self.progress(label, 2, 3)
        self._execute(
            """
            INSERT INTO billing_invoiceline (invoice_id, kind, description, quantity, unit_price,
                                             membership_id, period_start, voided)
            SELECT id, 'plan', plan_name || ' membership — ' || to_char(period_start, 'FMMonth YYYY'), 1,
                   monthly_fee, membership_id, period_start, status = 'void'
              FROM bulk_invoice
            """
        )
        self._execute(
            """
            INSERT INTO billing_payment (invoice_id, kind, amount, method, received_at, reference)
            SELECT id, 'payment',
                   CASE WHEN status = 'paid' THEN monthly_fee ELSE round(monthly_fee / 2, 2) END,
                   (ARRAY['card', 'direct_debit', 'cash'])[1 + n %% 3],
                   (period_start + interval '1 month 3 days') AT TIME ZONE %(zone)s, 'Bulk load'
              FROM bulk_invoice
             WHERE status = 'paid' OR (status = 'issued' AND n %% 2 = 0);
            """,
            self._params(),
        )
        self.progress(label, 3, 3)

    def _drop_indexes(self, table: str) -> list[str]:
        """Drop the table's secondary indexes and foreign keys; return the SQL that rebuilds them.

        Building an index once over ten million rows is several times faster than updating it row
        by row, and re-adding a foreign key checks every row in one join. The definitions are read
        from the catalog, so what comes back is exactly what was there. A failure rolls back the
        whole transaction, drops included."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                 WHERE i.tablename = %(table)s
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                """,
                {"table": table},
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %(table)s::regclass AND contype = 'f'",
                {"table": table},
            )
            foreign_keys = cursor.fetchall()
            for name, _definition in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in indexes] + [
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in foreign_keys
        ]

    def _rebuild(self, statements: list[str]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in statements:
                cursor.execute(statement)

    def _metrics(self, label: str) -> None:
        per_member = BASE["metrics_per_member"]

        def insert(lower: int, upper: int) -> int:
            # Readings every ~3 days going back from today, a slow drift plus a wobble.
            return self._execute(
                """
                INSERT INTO members_healthmetric (member_id, weight, heart_rate, body_fat, recorded_at)
                SELECT m.id,
                       round((62 + (m.n %% 45) + k * 0.03 + ((m.n + k) %% 7) * 0.2)::numeric, 1),
                       (55 + (m.n %% 25) + (k %% 9))::smallint,
                       round((14 + (m.n %% 18) + (k %% 5) * 0.3)::numeric, 1),
                       %(now)s - (k * 3) * interval '1 day' - ((m.n * 7) %% 600) * interval '1 minute'
                  FROM bulk_member m CROSS JOIN generate_series(1, %(per_member)s) k
                 WHERE m.n >= %(lower)s AND m.n < %(upper)s;
                """,
                {"lower": lower, "upper": upper, "per_member": per_member},
            )

        rebuild = self._drop_indexes("members_healthmetric")
        self.counts["health metrics"] = self._chunked(label, self.members, 5_000, insert)
        self.progress("health metric indexes", 0, 1)
        self._rebuild(rebuild)
        self.progress("health metric indexes", 1, 1)

    def _verify(self, label: str) -> None:
        self.progress(label, 0, 2)
        # The trigger was off: set last_metric_at from the data, then prove it matches everywhere.
        self._execute(
            """
            UPDATE members_member m SET last_metric_at = latest.recorded_at
              FROM (SELECT member_id, max(recorded_at) AS recorded_at FROM members_healthmetric
                     WHERE member_id IN (SELECT id FROM bulk_member) GROUP BY member_id) latest
             WHERE m.id = latest.member_id;
            """
        )
        wrong = self._scalar(
            """
            SELECT count(*) FROM members_member m
             WHERE m.last_metric_at IS DISTINCT FROM
                   (SELECT max(recorded_at) FROM members_healthmetric h WHERE h.member_id = m.id)
            """
        )
        if wrong:
            raise BulkLoadError(f"{wrong} members have a last_metric_at that is not their latest reading.")
        self.progress(label, 1, 2)
        overfull = self._scalar(
            """
            SELECT count(*) FROM (
                SELECT g.id FROM operations_groupclass g
                  JOIN operations_classregistration r ON r.group_class_id = g.id
                 WHERE r.status IN ('registered', 'attended')
                 GROUP BY g.id, g.capacity HAVING count(*) > g.capacity) over_capacity
            """
        )
        if overfull:
            raise BulkLoadError(f"{overfull} classes hold more members than their capacity.")
        self.progress(label, 2, 2)

    def _analyze(self, label: str) -> None:
        self.progress(label, 0, 1)
        self._execute("ANALYZE")
        self.progress(label, 1, 1)
