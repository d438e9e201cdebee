""" "Det skal jeg": everything the signed-in person owes, grouped (``borgerforloeb.todo``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from borgerforloeb import todo


@login_required
def my_duties(request):
    groups = todo.groups_for(request.user)
    if not any(group.more for group in groups):
        # Every duty is on the page: the nav's count need not be asked again.
        request.todo_count = sum(len(group.rows) for group in groups)
    return render(
        request,
        "borgerforloeb/todo.html",
        {"groups": groups, "total": sum(len(g.rows) for g in groups)},
    )
