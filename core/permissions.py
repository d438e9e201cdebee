"""Declare on each view what it needs, in one line above it.

    @object_permission(load=load_visible_case, allow=can_manage_case)
    def case_access_log(request, case): ...

``load(user, pk)`` returns the object through the model's visibility rule or raises Http404
(outsiders never learn that the object exists); ``allow(user, obj)`` decides the action on an
object the user can see (False: 403). Anonymous users are sent to the login page first.
The declaration is kept on the view (``view.permission``) so tests and reviews can list it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class Declared:
    load: Callable[[Any, Any], Any]
    allow: Callable[[Any, Any], bool] | None
    kwarg: str

    def describe(self) -> str:
        allow = self.allow.__name__ if self.allow else "visible"
        return f"{self.load.__name__} → {allow}"


def object_permission(*, load, allow=None, kwarg: str = "pk"):
    """Login required; 404 unless ``load`` finds the object; 403 unless ``allow`` says yes.

    The view receives the loaded object in place of the ``kwarg`` URL argument.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            obj = load(request.user, kwargs.pop(kwarg))
            if allow is not None and not (request.user.is_superuser or allow(request.user, obj)):
                raise PermissionDenied
            return view(request, obj, *args, **kwargs)

        wrapper.permission = Declared(load=load, allow=allow, kwarg=kwarg)
        return wrapper

    return decorator
