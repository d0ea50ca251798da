"""The portal speaks Swedish by default and English on request; shipped translations are complete."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def test_the_login_page_is_swedish_by_default(client, db):
    body = client.get(reverse("login")).content.decode()
    assert "Logga in" in body and 'lang="sv"' in body


def test_the_language_switch_turns_the_portal_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert "Log in" in body and "Logga in" not in body and 'lang="en"' in body


def test_every_string_has_a_swedish_translation():
    po = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    assert untranslated == [] and po.fuzzy_entries() == []
    assert len(po.translated_entries()) > 50


def test_the_shipped_mo_file_matches_its_po_source():
    """The .mo is committed so runtime needs no gettext tools; it must not fall behind the .po."""
    po = {
        (e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.pofile(str(PO)).translated_entries()
    }
    mo = {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(PO.with_suffix(".mo")))}
    assert po <= mo, "run `make messages` and commit locale/"


@pytest.mark.django_db
def test_dates_are_shown_in_stockholm_time(settings):
    from django.utils import timezone

    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert str(timezone.get_current_timezone()) == "Europe/Stockholm"
