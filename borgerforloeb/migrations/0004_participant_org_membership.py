"""A participant or coordinator takes part for an organisation only as one of its members.

Django has no composite foreign keys, so the rule is two PostgreSQL foreign keys from
(person, organisation) to the membership's unique (user, organisation). Either column empty: no
check (a relative without a login, a person without an organisation). When the membership ends,
the participation keeps its history and loses only the organisation. ``NOT VALID``: rows written
before this rule are left as they are; every new or changed row is checked.
"""

from django.db import migrations

FOREIGN_KEYS = [
    ("borgerforloeb_participant", "user_id", "borgerforloeb_participant_org_membership"),
    ("borgerforloeb_coordinatorassignment", "person_id", "borgerforloeb_coordinator_org_membership"),
]


def forward_sql(table, person_column, name):
    return (
        f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({person_column}, organisation_id) "
        "REFERENCES samarbejde_membership (user_id, organisation_id) "
        "ON DELETE SET NULL (organisation_id) NOT VALID"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("borgerforloeb", "0003_task_case_open_due_index"),
        ("samarbejde", "0003_membership_key_contact_index"),
    ]

    operations = [
        migrations.RunSQL(
            forward_sql(table, column, name), reverse_sql=f"ALTER TABLE {table} DROP CONSTRAINT {name}"
        )
        for table, column, name in FOREIGN_KEYS
    ]
