"""Signals other parts of the portal hook into. Only signals something listens to live here.

They are sent synchronously inside the service's transaction, after the rows are written.
A receiver that starts background work enqueues it with ``core.queue.enqueue_on_commit`` (an outbox
row in the same transaction), so the worker sees committed rows and a rolled-back change sends nothing.

- ``coordinator_changed(case, old_user, new_user, actor, assignment)``: a coordinator was
  assigned (``old_user`` None) or the case was handed over. Received by ``borgerforloeb.tasks``,
  which enqueues the notice to the new (and previous) coordinator.
"""

from django.dispatch import Signal

coordinator_changed = Signal()
