"""Signals other parts of the portal hook into (e.g. reminders and notifications).

They are sent synchronously inside the service's transaction, after the rows are written.
A receiver that enqueues Celery work must wrap it in ``transaction.on_commit`` so the worker
sees committed rows and nothing is sent for a rolled-back change.

- ``coordinator_changed(case, old_user, new_user, actor, assignment)``: a coordinator was
  assigned (``old_user`` None) or the case was handed over.
- ``consent_withdrawn(consent, actor)``
- ``plan_version_accepted(version, acceptance, actor)``
- ``task_assigned(task, actor)``: a task was created (or given a new responsible person).
"""

from django.dispatch import Signal

coordinator_changed = Signal()
consent_withdrawn = Signal()
plan_version_accepted = Signal()
task_assigned = Signal()
