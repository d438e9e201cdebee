""" "Det skal jeg": everything the signed-in person owes, grouped (``borgerforloeb.todo``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from borgerforloeb import todo


@login_required
def my_duties(request):
    groups = todo.groups_for(request.user)
    request.todo_count = sum(group.count for group in groups)  # the nav need not count again
    return render(
        request,
        "borgerforloeb/todo.html",
        {"groups": groups, "total": sum(len(g.rows) for g in groups)},
    )
