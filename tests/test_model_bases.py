"""The abstract bases in ``core.models`` declare created/updated/created-by once: the models
that use them need no migration, and their fields still come last, where they were written."""

import pytest
from django.core.management import call_command

from borgerforloeb.models import Case, Citizen, Effort, Meeting, Plan, Task
from core.models import CreatedAt, CreatedBy, TimeStamped, UpdatedAt
from samarbejde.models import Channel, Organisation
from tilbud.models import Offer


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    ("model", "trailing"),
    [
        (Citizen, ["created_at", "updated_at", "created_by"]),
        (Case, ["created_at", "updated_at", "created_by"]),
        (Task, ["created_at", "created_by"]),
        (Meeting, ["created_at", "created_by"]),
        (Effort, ["created_at", "updated_at"]),
        (Plan, ["created_at"]),
        (Organisation, ["created_at", "updated_at"]),
        (Channel, ["updated_at"]),
        (Offer, ["created_at", "updated_at"]),
    ],
)
def test_inherited_fields_come_after_the_models_own(model, trailing):
    names = [f.name for f in model._meta.fields]
    assert names[-len(trailing) :] == trailing
    assert len(names) > len(trailing) + 1


def test_each_model_has_its_own_copy_of_the_fields():
    assert issubclass(Citizen, TimeStamped) and issubclass(Citizen, CreatedBy)
    assert issubclass(Task, CreatedAt) and not issubclass(Task, UpdatedAt)
    created = Citizen._meta.get_field("created_by")
    assert created.model is Citizen and created is not Case._meta.get_field("created_by")
    assert str(created.verbose_name) == "oprettet af" and created.remote_field.related_name == "+"
