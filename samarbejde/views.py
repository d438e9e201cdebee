"""Thin views: read through QuerySet methods, write through ``samarbejde.services``.

Edit views find their objects through ``editable_by(request.user)`` (see ``samarbejde.access``),
so another municipality's administrator gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import handle_post
from core.http import safe_next_url
from core.roles import Role, has_role
from samarbejde import dashboard, offers, selectors, services
from samarbejde.access import can_administer, municipalities_administered_by
from samarbejde.forms import (
    ChannelForm,
    ChannelSearchForm,
    ForumActionFormSet,
    ForumForm,
    ForumMeetingForm,
    GuidanceDocumentForm,
    KnowledgePageForm,
    MembershipForm,
    OrganisationForm,
    UnitForm,
    WorkToolForm,
    duplicate_message,
)
from samarbejde.models import (
    Channel,
    Forum,
    ForumAction,
    ForumMeeting,
    FrameworkDocument,
    GuidanceDocument,
    KnowledgePage,
    Membership,
    Municipality,
    Organisation,
    Unit,
    WorkTool,
)

# --- Reading ---------------------------------------------------------------------------------


def municipality_list(request):
    municipalities = Municipality.objects.annotate(
        channel_count=Count("channels", distinct=True),
        organisation_count=Count(
            "organisations", filter=Q(organisations__archived_at__isnull=True), distinct=True
        ),
    )
    return render(request, "samarbejde/municipality_list.html", {"municipalities": municipalities})


OFFERS_ON_PAGE = 20


def municipality_detail(request, slug):
    signed_in = request.user.is_authenticated
    municipality = get_object_or_404(
        selectors.municipalities_with_overview_counts(key_contacts=signed_in, offers_for=request.user),
        slug=slug,
    )
    kind = request.GET.get("type")
    if kind not in Organisation.Kind.values:
        kind = None
    actors, organisation_groups = selectors.actor_page(
        municipality, kind=kind, page_number=request.GET.get("side")
    )
    key_contacts = key_contact_pager = None
    if signed_in:
        key_contacts = selectors.key_contact_page(municipality, page_number=request.GET.get("kontakter"))
        key_contact_pager = selectors.pager(request, key_contacts, param="kontakter", anchor="noeglepersoner")
    # The page shows the first offers and links to the directory for the rest: a big city has
    # hundreds, and the directory (search, facets, pages) is the place to browse them.
    shown = offers.in_municipality(request.user, municipality)
    return render(
        request,
        "samarbejde/municipality_detail.html",
        {
            "municipality": municipality,
            "kind": kind,
            "organisation_groups": organisation_groups,
            "actor_pager": selectors.pager(request, actors, param="side", anchor="aktoerer"),
            "channels": selectors.first_channels(municipality),
            "forums": selectors.forums_with_counts(municipality),
            "offers": []
            if shown is None
            else list(
                shown.select_related("organisation")
                .only("id", "name", "status", "organisation__name")
                .order_by("name")[:OFFERS_ON_PAGE]
            ),
            "key_contacts": key_contacts,
            "key_contact_pager": key_contact_pager,
            "counts": selectors.overview_counts(municipality),
            "dashboard_items": dashboard.items_for(municipality, request.user),
            "can_edit": can_administer(request.user, municipality),
            # The framework's plans and workflows are internal: for signed-in users only.
            "framework_documents": selectors.framework_documents(municipality) if signed_in else None,
            "today": timezone.localdate(),
        },
    )


@login_required
def framework_document(request, slug, pk):
    """A plan or workflow of the framework: the version in force and the earlier ones."""
    document = get_object_or_404(
        FrameworkDocument.objects.select_related("municipality", "owner"), municipality__slug=slug, pk=pk
    )
    versions = list(document.versions.select_related("created_by"))
    return render(
        request,
        "samarbejde/framework_document.html",
        {
            "document": document,
            "municipality": document.municipality,
            "current": versions[0] if versions else None,
            "earlier": versions[1:],
            "today": timezone.localdate(),
            "can_edit": can_administer(request.user, document.municipality),
        },
    )


def channel_list(request, slug):
    """One municipality's channels, searchable, and printable as one page."""
    municipality = get_object_or_404(Municipality, slug=slug)
    form = ChannelSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    channels = Channel.objects.for_municipality(municipality).search(query).with_related()
    return render(
        request,
        "samarbejde/channel_list.html",
        {
            "municipality": municipality,
            "form": form,
            "query": query,
            "channels": channels,
            "can_edit": can_administer(request.user, municipality),
        },
    )


def channel_search(request):
    """Channels of every municipality: "who do I contact about ...?"."""
    form = ChannelSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    channels = Channel.objects.search(query).with_related() if query else Channel.objects.none()
    return render(
        request, "samarbejde/channel_search.html", {"form": form, "query": query, "channels": channels}
    )


def organisation_detail(request, slug, pk):
    organisation = get_object_or_404(
        Organisation.objects.select_related("municipality"), municipality__slug=slug, pk=pk
    )
    members = []
    # Through the directory's own rule (samarbejde.offers): internal offers only for signed-in users.
    shown = offers.of_organisation(request.user, organisation)
    if request.user.is_authenticated:
        members = organisation.memberships.filter(user__is_active=True).select_related("user", "unit")
    return render(
        request,
        "samarbejde/organisation_detail.html",
        {
            "organisation": organisation,
            "municipality": organisation.municipality,
            "units": organisation.units.all(),
            "members": members,
            "offers": [] if shown is None else shown,
            "can_edit": can_administer(request.user, organisation.municipality),
        },
    )


@login_required
def forum_detail(request, slug, pk):
    forum = get_object_or_404(
        Forum.objects.select_related("municipality").prefetch_related(
            "member_organisations",
            "member_users",
            Prefetch(
                "meetings",
                queryset=ForumMeeting.objects.prefetch_related(
                    Prefetch("actions", queryset=ForumAction.objects.select_related("responsible"))
                ),
            ),
        ),
        municipality__slug=slug,
        pk=pk,
    )
    return render(
        request,
        "samarbejde/forum_detail.html",
        {
            "forum": forum,
            "municipality": forum.municipality,
            "can_edit": can_administer(request.user, forum.municipality),
        },
    )


@login_required
def my_forum_actions(request):
    return render(
        request,
        "samarbejde/my_forum_actions.html",
        {"actions": ForumAction.objects.open_for(request.user)},
    )


def worktool_list(request):
    municipality = None
    slug = request.GET.get("kommune")
    tools = WorkTool.objects.select_related("municipality").prefetch_related("documents")
    if slug:
        municipality = get_object_or_404(Municipality, slug=slug)
        tools = tools.visible_in(municipality)
    return render(
        request,
        "samarbejde/worktool_list.html",
        {
            "tools": tools,
            "municipality": municipality,
            "municipalities": Municipality.objects.all(),
            "administered": list(municipalities_administered_by(request.user)),
        },
    )


def worktool_detail(request, pk):
    tool = get_object_or_404(WorkTool.objects.select_related("municipality"), pk=pk)
    return render(
        request,
        "samarbejde/worktool_detail.html",
        {
            "tool": tool,
            "documents": tool.documents.all(),
            "can_edit": can_administer(request.user, tool.municipality),
        },
    )


@login_required
def document_download(request, pk):
    document = get_object_or_404(GuidanceDocument, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = ".pdf" if document.content_type == "application/pdf" else ".docx"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{document.title}{extension}",
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def knowledge_list(request):
    return render(
        request,
        "samarbejde/knowledge_list.html",
        {"pages": KnowledgePage.objects.all(), "can_edit": _edits_knowledge(request.user)},
    )


def knowledge_detail(request, slug):
    page = get_object_or_404(KnowledgePage, slug=slug)
    return render(
        request,
        "samarbejde/knowledge_detail.html",
        {"page": page, "can_edit": _edits_knowledge(request.user)},
    )


# --- Editing (municipality administrators) -----------------------------------------------------


def _administered(request, slug):
    """The municipality with ``slug`` if the user administers it, else 404."""
    return get_object_or_404(municipalities_administered_by(request.user), slug=slug)


def _edits_knowledge(user):
    return bool(getattr(user, "is_superuser", False) and user.is_active) or has_role(user, Role.ADMINISTRATOR)


def _form_page(
    request, form, *, title, municipality=None, cancel_url=None, extra=None, multipart=False, status=200
):
    return render(
        request,
        "samarbejde/form.html",
        {
            "form": form,
            "title": title,
            "municipality": municipality,
            "cancel_url": cancel_url,
            "multipart": multipart,
            **(extra or {}),
        },
        status=status,
    )


def _editable(request, model, slug, *, via="", also=(), **lookups):
    """The ``model`` row matching ``lookups`` in the municipality ``slug`` when the user may edit it
    (``editable_by``), else 404. ``via`` is the path to the object that holds the municipality
    (``"organisation__"``, ``"forum__"``); ``also`` names more relations to load with it."""
    return get_object_or_404(
        model.objects.editable_by(request.user).select_related(f"{via}municipality", *also),
        **{f"{via}municipality__slug": slug},
        **lookups,
    )


def _model_form_page(request, form, save, *, success, redirect_to, **page):
    """A model form's page: on a valid POST ``save(fields)`` (the service, given the values of the
    form's ``Meta.fields``), then ``success`` and ``redirect_to`` as ``handle_post`` takes them;
    otherwise the form page with ``page`` (see ``_form_page``)."""
    response = handle_post(
        request,
        form,
        lambda data: save({name: data[name] for name in form.Meta.fields}),
        success=success,
        redirect_to=redirect_to,
    )
    return response or _form_page(request, form, **page)


def _framework_page(obj, municipality, *, creating, new_title) -> dict:
    """The title and cancel link of the form page of a municipality's ``obj``: ``new_title`` and
    back to the municipality when creating it, "Rediger <name>" and back to it when editing."""
    title = new_title if creating else _("Rediger %(name)s") % {"name": obj.name}
    back = municipality if creating else obj
    return {"title": title, "municipality": municipality, "cancel_url": back.get_absolute_url()}


def _create_and_edit(model, form_page):
    """The create and edit views of a ``model`` that belongs to a municipality: both show
    ``form_page(request, municipality, obj)``, creating in a municipality the user administers,
    editing only what ``editable_by`` lets the user edit (else 404)."""

    @login_required
    def create(request, slug):
        municipality = _administered(request, slug)
        return form_page(request, municipality, model(municipality=municipality))

    @login_required
    def edit(request, slug, pk):
        obj = _editable(request, model, slug, pk=pk)
        return form_page(request, obj.municipality, obj)

    return create, edit


def _organisation_form(request, municipality, organisation):
    creating = organisation._state.adding
    form = OrganisationForm(request.POST or None, instance=organisation, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            organisation = services.save_organisation(
                actor=request.user,
                organisation=organisation,
                fields={**fields, "municipality": municipality},
                request=request,
            )
        except services.DuplicateOrganisation as error:
            form.add_error("name", duplicate_message(error.existing))
        else:
            messages.success(request, _("Organisationen er gemt."))
            return redirect(organisation.get_absolute_url())
    return _form_page(
        request,
        form,
        **_framework_page(organisation, municipality, creating=creating, new_title=_("Ny organisation")),
    )


organisation_create, organisation_edit = _create_and_edit(Organisation, _organisation_form)


@login_required
def organisation_delete(request, slug, pk):
    organisation = _editable(request, Organisation, slug, pk=pk)
    blockers = services.organisation_blockers(organisation)
    if request.method == "POST" and not blockers:
        try:
            services.delete_organisation(actor=request.user, organisation=organisation, request=request)
        except services.OrganisationInUse as error:
            blockers = error.blocking
        else:
            messages.success(request, _("Organisationen er slettet."))
            return redirect(organisation.municipality.get_absolute_url())
    return render(
        request,
        "samarbejde/organisation_delete.html",
        {"organisation": organisation, "municipality": organisation.municipality, "blockers": blockers},
        status=409 if request.method == "POST" and blockers else 200,
    )


@login_required
@require_POST
def organisation_archive(request, slug, pk):
    organisation = _editable(request, Organisation, slug, pk=pk)
    if request.POST.get("restore"):
        services.restore_organisation(actor=request.user, organisation=organisation, request=request)
        messages.success(request, _("Organisationen er genoprettet."))
    else:
        services.archive_organisation(actor=request.user, organisation=organisation, request=request)
        messages.success(request, _("Organisationen er arkiveret. Den vises ikke længere på kommunens side."))
    return redirect(organisation.get_absolute_url())


@login_required
def unit_create(request, slug, pk):
    organisation = _editable(request, Organisation, slug, pk=pk)
    return _unit_form(request, Unit(organisation=organisation))


@login_required
def unit_edit(request, slug, pk, unit_pk):
    unit = _editable(request, Unit, slug, via="organisation__", organisation__pk=pk, pk=unit_pk)
    return _unit_form(request, unit)


def _unit_form(request, unit):
    organisation = unit.organisation
    form = UnitForm(request.POST or None, instance=unit)
    return _model_form_page(
        request,
        form,
        lambda fields: services.save_unit(actor=request.user, unit=unit, fields=fields, request=request),
        success=_("Enheden er gemt."),
        redirect_to=organisation.get_absolute_url(),
        title=_("Ny enhed i %(name)s") % {"name": organisation.name}
        if unit._state.adding
        else _("Rediger %(name)s") % {"name": unit.name},
        municipality=organisation.municipality,
        cancel_url=organisation.get_absolute_url(),
    )


@login_required
def membership_edit(request, slug, pk, membership_pk):
    membership = _editable(
        request, Membership, slug, via="organisation__", also=("user",), organisation__pk=pk, pk=membership_pk
    )
    organisation = membership.organisation
    return _model_form_page(
        request,
        MembershipForm(request.POST or None, instance=membership),
        lambda fields: services.save_membership(
            actor=request.user, membership=membership, fields=fields, request=request
        ),
        success=_("Oplysningerne om personen er gemt."),
        redirect_to=organisation.get_absolute_url(),
        title=_("%(person)s i %(organisation)s") % {"person": membership.user, "organisation": organisation},
        municipality=organisation.municipality,
        cancel_url=organisation.get_absolute_url(),
    )


def _channel_form(request, municipality, channel):
    creating = channel._state.adding
    list_url = _channel_list_url(municipality)
    return _model_form_page(
        request,
        ChannelForm(request.POST or None, instance=channel, municipality=municipality),
        lambda fields: services.save_channel(
            actor=request.user, channel=channel, fields=fields, request=request
        ),
        success=_("Kommunikationsvejen er gemt."),
        redirect_to=list_url,
        title=_("Ny kommunikationsvej") if creating else _("Rediger kommunikationsvej"),
        municipality=municipality,
        cancel_url=list_url,
    )


channel_create, channel_edit = _create_and_edit(Channel, _channel_form)


def _channel_list_url(municipality):
    return reverse("samarbejde:channel_list", kwargs={"slug": municipality.slug})


@login_required
def channel_delete(request, slug, pk):
    channel = _editable(request, Channel, slug, pk=pk)
    if request.method == "POST":
        services.delete_object(actor=request.user, obj=channel, request=request)
        messages.success(request, _("Kommunikationsvejen er slettet."))
        return redirect(_channel_list_url(channel.municipality))
    return render(
        request,
        "samarbejde/confirm_delete.html",
        {
            "object": channel,
            "municipality": channel.municipality,
            "cancel_url": _channel_list_url(channel.municipality),
        },
    )


def _forum_form(request, municipality, forum):
    creating = forum._state.adding
    form = ForumForm(request.POST or None, instance=forum, municipality=municipality)
    response = handle_post(
        request,
        form,
        lambda data: services.save_forum(
            actor=request.user,
            forum=forum,
            fields={"name": data["name"], "purpose": data["purpose"], "cadence": data["cadence"]},
            members={
                "member_organisations": data["member_organisations"],
                "member_users": data["member_users"],
            },
            request=request,
        ),
        success=_("Forummet er gemt."),
        redirect_to=lambda saved: saved.get_absolute_url(),
    )
    return response or _form_page(
        request, form, **_framework_page(forum, municipality, creating=creating, new_title=_("Nyt forum"))
    )


forum_create, forum_edit = _create_and_edit(Forum, _forum_form)


@login_required
def meeting_create(request, slug, pk):
    forum = _editable(request, Forum, slug, pk=pk)
    return _meeting_form(request, forum, ForumMeeting(forum=forum))


@login_required
def meeting_edit(request, slug, pk, meeting_pk):
    meeting = _editable(request, ForumMeeting, slug, via="forum__", forum__pk=pk, pk=meeting_pk)
    return _meeting_form(request, meeting.forum, meeting)


def _meeting_form(request, forum, meeting):
    """A meeting's agenda and minutes, with the actions agreed: each one responsible and a due date."""
    creating = meeting._state.adding
    actions = ForumAction.objects.none() if creating else meeting.actions.select_related("responsible")
    data = request.POST if request.method == "POST" else None
    form = ForumMeetingForm(data, instance=meeting, prefix="meeting")
    formset = ForumActionFormSet(data, queryset=actions, forum=forum, prefix="actions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        action_rows, deleted = [], []
        for action_form in formset.forms:
            if not action_form.has_changed() and action_form.instance._state.adding:
                continue
            if formset.can_delete and formset._should_delete_form(action_form):
                if not action_form.instance._state.adding:
                    deleted.append(action_form.instance)
                continue
            row = {
                name: action_form.cleaned_data[name]
                for name in ("title", "responsible", "due_date", "status")
            }
            if not action_form.instance._state.adding:
                row["instance"] = action_form.instance
            action_rows.append(row)
        services.save_meeting(
            actor=request.user,
            meeting=meeting,
            fields={name: form.cleaned_data[name] for name in ("date", "place", "agenda", "minutes")},
            actions=action_rows,
            deleted_actions=deleted,
            request=request,
        )
        messages.success(request, _("Mødet og referatet er gemt."))
        return redirect(forum.get_absolute_url())
    return render(
        request,
        "samarbejde/meeting_form.html",
        {
            "form": form,
            "formset": formset,
            "forum": forum,
            "municipality": forum.municipality,
            "creating": creating,
        },
    )


@login_required
@require_POST
def action_status(request, pk):
    """The responsible person (or an administrator) marks an action done or open again."""
    action = get_object_or_404(
        ForumAction.objects.select_related("meeting__forum__municipality"),
        Q(responsible=request.user) | Q(pk__in=ForumAction.objects.editable_by(request.user).values("pk")),
        pk=pk,
    )
    status = request.POST.get("status")
    if status in ForumAction.Status.values:
        services.set_action_status(actor=request.user, action=action, status=status, request=request)
        messages.success(request, _("Opgavens status er ændret."))
    return redirect(safe_next_url(request, action.get_absolute_url()))


def _editable_tool(request, pk):
    return get_object_or_404(WorkTool.objects.editable_by(request.user).select_related("municipality"), pk=pk)


@login_required
def worktool_create(request, slug):
    municipality = _administered(request, slug)
    return _worktool_form(request, municipality, WorkTool(municipality=municipality))


@login_required
def worktool_edit(request, pk):
    tool = _editable_tool(request, pk)
    return _worktool_form(request, tool.municipality, tool)


def _worktool_form(request, municipality, tool):
    creating = tool._state.adding
    return _model_form_page(
        request,
        WorkToolForm(request.POST or None, instance=tool, municipality=municipality),
        lambda fields: services.save_work_tool(
            actor=request.user, work_tool=tool, fields=fields, request=request
        ),
        success=_("Arbejdsredskabet er gemt."),
        redirect_to=lambda saved: saved.get_absolute_url(),
        title=_("Nyt arbejdsredskab") if creating else _("Rediger %(name)s") % {"name": tool.name},
        municipality=municipality,
        cancel_url=tool.get_absolute_url() if not creating else None,
    )


@login_required
def document_upload(request, pk):
    tool = _editable_tool(request, pk)
    form = GuidanceDocumentForm(request.POST or None, request.FILES or None)
    response = handle_post(
        request,
        form,
        lambda data: services.add_guidance_document(
            actor=request.user,
            work_tool=tool,
            title=data["title"],
            uploaded_file=data["file"],
            content_type=form.content_type,
            request=request,
        ),
        success=_("Vejledningen er uploadet."),
        redirect_to=tool.get_absolute_url(),
    )
    return response or _form_page(
        request,
        form,
        title=_("Upload vejledning til %(name)s") % {"name": tool.name},
        municipality=tool.municipality,
        cancel_url=tool.get_absolute_url(),
        multipart=True,
        status=400 if request.method == "POST" else 200,
    )


@login_required
def knowledge_create(request):
    return _knowledge_form(request, KnowledgePage())


@login_required
def knowledge_edit(request, slug):
    return _knowledge_form(request, get_object_or_404(KnowledgePage, slug=slug))


def _knowledge_form(request, page):
    if not _edits_knowledge(request.user):
        raise Http404
    creating = page._state.adding
    return _model_form_page(
        request,
        KnowledgePageForm(request.POST or None, instance=page),
        lambda fields: services.save_knowledge_page(
            actor=request.user, page=page, fields=fields, request=request
        ),
        success=_("Videnssiden er gemt."),
        redirect_to=lambda saved: saved.get_absolute_url(),
        title=_("Ny videnside") if creating else _("Rediger %(name)s") % {"name": page.title},
        cancel_url=None if creating else page.get_absolute_url(),
    )
