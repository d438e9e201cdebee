"""The audit trail is append-only in the database too.

A trigger refuses UPDATE and DELETE of ``core_auditevent`` rows, except:
- a transaction that ran ``SET LOCAL portal.allow_audit_purge = 'on'`` (only the anonymisation
  service in ``borgerforloeb/gdpr.py`` does this, to scrub personal data from old rows);
- the one change Django makes when a user is deleted: ``actor_id`` set to NULL, nothing else.
TRUNCATE (test database flushes) does not fire row triggers.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('portal.allow_audit_purge', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
        AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
        AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
        AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id
        AND NEW.object_repr = OLD.object_repr
        AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id
        AND NEW.changes = OLD.changes
        AND NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address
        AND NEW.note = OLD.note THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0004_reminder_schedules")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
