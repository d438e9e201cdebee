"""Demo: a national analyst login, and the report figures computed from the demo cases."""

from django.contrib.auth import get_user_model

from rapporter.access import analyst_group
from rapporter.compute import compute_reports
from samarbejde.demo import DEMO_PASSWORD

ANALYST_EMAIL = "analytiker@demo.dk"


def seed(stdout):
    User = get_user_model()
    user = User.objects.filter(email__iexact=ANALYST_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=ANALYST_EMAIL, password=DEMO_PASSWORD, full_name="Analytiker Demo"
        )
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.add(analyst_group())
    stdout.write(f"  {ANALYST_EMAIL} (national analytiker: rapporter for hele landet)")
    run = compute_reports(full=True)
    stdout.write(f"Reports: {run.months} month(s) computed.")
