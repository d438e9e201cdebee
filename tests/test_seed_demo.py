import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command


def table_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"core", "samarbejde", "tilbud", "borgerforloeb"}
        and model._meta.label != "core.AuditEvent"
    }


DEMO_LOGINS = [
    "sagsbehandler@demo.dk",
    "tovholder@demo.dk",
    "frivillig@demo.dk",
    "admin@demo.dk",
    "analytiker@demo.dk",
]


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_logins(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = table_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert table_counts() == first
    assert first["samarbejde.Municipality"] == 5
    text = out.getvalue()
    for login in DEMO_LOGINS:
        assert login in text
    assert "Samarbejde-demo-2026" in text
    # The reports have a channel past its review date in every demo municipality.
    from rapporter.models import MonthlyFigures

    national = MonthlyFigures.objects.filter(municipality=None, target_group="", organisation_kind="")
    assert national.filter(channels_review_overdue=5).exists()
    # Declined demo referrals carry the kind of reason the reports count.
    from borgerforloeb.models import Effort

    declined = Effort.objects.filter(status=Effort.Status.DECLINED)
    assert declined.count() == 2 and not declined.filter(decline_reason_kind="").exists()


@pytest.mark.django_db
def test_demo_logins_work_for_every_kind_of_user(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    for email in DEMO_LOGINS:
        response = client.post("/konto/login/", {"username": email, "password": "Samarbejde-demo-2026"})
        assert response.status_code == 302, email
        assert client.session["_auth_user_id"]
        client.post("/konto/logout/")


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run when DEBUG is off"):
        call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert apps.get_model("samarbejde", "Municipality").objects.count() == 5
