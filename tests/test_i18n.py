"""Danish by default; English and kalaallisut selectable; the choice persists."""

import datetime

import pytest
from django.utils import formats, translation


@pytest.mark.django_db
def test_home_is_danish_by_default(client):
    response = client.get("/")
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "Søg i tilbud" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "marker"), [("en", "Search offers"), ("kl", '<html lang="kl">')])
def test_language_switch_changes_ui_and_persists(client, code, marker):
    response = client.post("/i18n/setlang/", {"language": code, "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == code
    for _ in range(2):  # and it stays on the next requests
        html = client.get("/").content.decode()
        assert f'<html lang="{code}">' in html
        assert marker in html
    client.post("/i18n/setlang/", {"language": "da", "next": "/"})
    assert "Søg i tilbud" in client.get("/").content.decode()


def test_kalaallisut_uses_danish_date_and_number_formats():
    day = datetime.date(2026, 11, 25)
    with translation.override("da"):
        danish = (
            formats.date_format(day, "SHORT_DATE_FORMAT"),
            formats.number_format(1234.5, 1, force_grouping=True),
        )
    with translation.override("kl"):
        greenlandic = (
            formats.date_format(day, "SHORT_DATE_FORMAT"),
            formats.number_format(1234.5, 1, force_grouping=True),
        )
    assert danish == ("25.11.2026", "1.234,5")
    assert greenlandic == danish
