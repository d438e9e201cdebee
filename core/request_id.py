"""Request ids in every log line, web and Celery alike (loaded by LOGGING, so it imports no models).

``RequestIdMiddleware`` (first in MIDDLEWARE) gives each request an id: the caller's
``X-Request-ID`` when it is a plain token (a load balancer's), else a new one. It is sent back in the
response, put on every log record of the request (``RequestIdFilter``), and carried in the headers
of the Celery tasks the request enqueues, so a worker's log lines name it too.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

HEADER = "X-Request-ID"
TASK_HEADER = "portal_request_id"
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_id_var = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request or task)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


@before_task_publish.connect(dispatch_uid="core.observability.request_id_out")
def _request_id_into_task_headers(headers=None, **kwargs):
    if headers is not None and request_id_var.get() != "-":
        headers.setdefault(TASK_HEADER, request_id_var.get())


_task_tokens: dict[str, contextvars.Token] = {}


@task_prerun.connect(dispatch_uid="core.observability.request_id_in")
def _request_id_from_task_headers(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, TASK_HEADER, None) or (task.request.headers or {}).get(TASK_HEADER)
    _task_tokens[task_id] = request_id_var.set(request_id or f"task-{task_id}")


@task_postrun.connect(dispatch_uid="core.observability.request_id_done")
def _request_id_done(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)
