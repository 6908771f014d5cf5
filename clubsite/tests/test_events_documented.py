"""Every club event a webhook can subscribe to is listed in docs/api.md, with what it means."""

from pathlib import Path

from django.conf import settings

from clubsite.core.events import EVENTS


def test_docs_list_every_event_as_the_code_describes_it():
    docs = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()

    missing = [name for name, meaning in EVENTS.items() if f"| `{name}` | {meaning} |" not in docs]

    assert missing == []
