"""Django admin keeps to the visibility rule on every relation of every form, and audits writes.

The parametrised tests are built by walking ``admin.site._registry``: every registered admin
model (and every inline) × every foreign key and many-to-many field × add and change. Signed in
as a København administrator (who is also a caseworker there), an object of Ilulissat — another
municipality, with its people, framework, offers and a citizen's case — is never offered, never
named on the page (not even when given as ``?field=<id>``) and refused when posted.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from borgerforloeb.models import Case, Participant, Plan
from borgerforloeb.services.decisions import ensure_attention_points, record_decision
from borgerforloeb.services.efforts import save_effort
from borgerforloeb.services.meetings import save_meeting
from borgerforloeb.services.participants import add_participant
from borgerforloeb.services.plan import new_plan_version
from borgerforloeb.services.tasks import create_task
from core.admin_site import PortalAdminMixin, PortalInlineMixin, is_shared, portal_inline
from core.models import AuditEvent
from core.roles import Role
from samarbejde.models import (
    Channel,
    Forum,
    ForumAction,
    ForumMeeting,
    Membership,
    Municipality,
    Organisation,
    Unit,
    WorkTool,
)
from tests.case_factories import make_case, make_citizen, make_org
from tilbud.models import Offer

MARK = "Ilulissat"  # every foreign object's label carries it

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the two municipalities ----------------------------------------------------------------------


@pytest.fixture
def kbh(db):
    return Municipality.objects.create(name="København", slug="kobenhavn", code="101")


@pytest.fixture
def kbh_org(kbh):
    return make_org(kbh, kind=Organisation.Kind.MUNICIPAL, name="Københavns Kommune")


@pytest.fixture
def kbh_admin(make_user, kbh_org):
    """The København administrator of issue 17 (administrator role only)."""
    return make_user(
        role=Role.ADMINISTRATOR, organisation=kbh_org, is_staff=True, full_name="Karen Administrator"
    )


@pytest.fixture
def staff(kbh_admin):
    """The same administrator, also a caseworker in København (so case data is visible to them)."""
    kbh_admin.groups.add(Group.objects.get(name=Role.CASEWORKER.value))
    return kbh_admin


@pytest.fixture
def superuser(make_user):
    return make_user(is_superuser=True, is_staff=True, full_name="Super Bruger")


@pytest.fixture
def foreign(make_user):
    """One object of every kind the admin forms relate to, all in Ilulissat."""
    far = Municipality.objects.create(name="Ilulissat", slug="ilulissat", code="955")
    org = make_org(far, kind=Organisation.Kind.MUNICIPAL, name="Ilulissat Kommune")
    person = make_user(role=Role.CASEWORKER, organisation=org, full_name="Ilulissat Medarbejder")
    unit = Unit.objects.create(organisation=org, name="Ilulissat Enhed")
    forum = Forum.objects.create(municipality=far, name="Ilulissat Forum")
    citizen = make_citizen(far, actor=person, full_name="Ilulissat Borgersen")
    case = make_case(far, actor=person, citizen=citizen)
    version = new_plan_version(actor=person, case=case)
    meeting = save_meeting(actor=person, case=case, title="Ilulissat Møde", starts_at=timezone.now())
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        SolarSchedule,
    )

    from borgerforloeb.models import CitizenInvitation

    objects = {
        "samarbejde.municipality": far,
        "samarbejde.organisation": org,
        "core.user": person,
        "samarbejde.unit": unit,
        "samarbejde.membership": Membership.objects.get(user=person),
        "samarbejde.forum": forum,
        "samarbejde.forummeeting": ForumMeeting.objects.create(
            forum=forum, date=timezone.now(), place="Ilulissat Rådhus"
        ),
        "samarbejde.worktool": WorkTool.objects.create(
            municipality=far, kind=WorkTool.Kind.OTHER, name="Ilulissat Værktøj"
        ),
        "tilbud.offer": Offer.objects.create(organisation=org, name="Ilulissat Tilbud"),
        "borgerforloeb.citizen": citizen,
        "borgerforloeb.case": case,
        "borgerforloeb.plan": version.plan,
        "borgerforloeb.planversion": version,
        "borgerforloeb.meeting": meeting,
        "borgerforloeb.citizeninvitation": CitizenInvitation.objects.create(
            case=case,
            token_hash="f" * 64,
            code_hash="unusable",
            created_by=person,
            expires_at=timezone.now() + datetime.timedelta(days=1),
        ),
        "auth.group": Group.objects.create(name="Ilulissat Gruppe"),
        "auth.permission": Permission.objects.get(codename="add_channel"),
        "django_celery_beat.intervalschedule": IntervalSchedule.objects.create(every=17, period="days"),
        "django_celery_beat.crontabschedule": CrontabSchedule.objects.create(minute="17", hour="3"),
        "django_celery_beat.solarschedule": SolarSchedule.objects.create(
            event="sunrise", latitude=69.2, longitude=-51.1
        ),
        "django_celery_beat.clockedschedule": ClockedSchedule.objects.create(
            clocked_time=timezone.now() + datetime.timedelta(days=17)
        ),
    }
    return objects


@pytest.fixture
def own(staff, kbh, kbh_org, settings, tmp_path, make_user):
    """One row of every kind in København, for the change pages."""
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    from borgerforloeb.models import AttentionPointTemplate
    from samarbejde.models import GuidanceDocument, KnowledgePage

    Unit.objects.create(organisation=kbh_org, name="Team Nord")
    forum = Forum.objects.create(municipality=kbh, name="Netværksforum")
    forum_meeting = ForumMeeting.objects.create(forum=forum, date=timezone.now())
    ForumAction.objects.create(
        meeting=forum_meeting, title="Ring tilbage", responsible=staff, due_date=datetime.date.today()
    )
    Channel.objects.create(municipality=kbh, topic="Tolk", way=Channel.Way.PHONE, contact_details="1")
    tool = WorkTool.objects.create(municipality=kbh, kind=WorkTool.Kind.OTHER, name="Netværkskort")
    GuidanceDocument.objects.create(
        work_tool=tool, title="Vejledning", file=SimpleUploadedFile("v.pdf", b"%PDF-1.4"), size=8
    )
    KnowledgePage.objects.create(title="Kultur", slug="kultur", body="Tekst")
    Offer.objects.create(organisation=kbh_org, name="Værestedet")
    AttentionPointTemplate.objects.create(municipality=kbh)
    case = make_case(kbh, actor=staff, coordinator=staff, coordinator_org=kbh_org)
    new_plan_version(actor=staff, case=case)
    colleague = make_user(role=Role.CASEWORKER, organisation=kbh_org, full_name="Kollega Hansen")
    add_participant(actor=staff, case=case, user=colleague, role=Participant.Role.CONTACT)
    meeting = save_meeting(actor=staff, case=case, title="Opstart", starts_at=timezone.now())
    create_task(actor=staff, case=case, title="Find bolig", responsible=staff, meeting=meeting)
    ensure_attention_points(case=case)
    save_effort(actor=staff, case=case, title="Bostøtte", responsible=staff)
    record_decision(
        actor=staff,
        case=case,
        text="Bostøtte bevilget",
        decided_by="Leder",
        citizen_involvement="Borgeren deltog",
    )
    return case


# --- introspection of the admin site ---------------------------------------------------------------


def _relations(model, skip=None):
    for field in model._meta.get_fields():
        relation = (field.many_to_one or field.many_to_many or field.one_to_one) and field.concrete
        if relation and field.editable and field.name != skip and not is_shared(field.related_model):
            yield field


def _top_level_cases():
    for model in admin.site._registry:
        for field in _relations(model):
            for mode in ("add", "change"):
                yield pytest.param(
                    model, field.name, mode, id=f"{model._meta.label_lower}.{field.name}-{mode}"
                )


def _inline_cases():
    for model, model_admin in admin.site._registry.items():
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            fk = inline.fk_name or next(
                (f.name for f in inline.model._meta.fields if f.is_relation and f.related_model is model),
                None,
            )
            for field in _relations(inline.model, skip=fk):
                yield pytest.param(
                    model,
                    inline_class,
                    field.name,
                    id=f"{model._meta.label_lower}+{inline.model._meta.label_lower}.{field.name}",
                )


def _autocomplete_cases():
    for model, model_admin in admin.site._registry.items():
        sources = [(model, model_admin.autocomplete_fields)] + [
            (inline.model, inline.autocomplete_fields) for inline in model_admin.inlines
        ]
        for source, names in sources:
            for name in names:
                yield pytest.param(source, name, id=f"{source._meta.label_lower}.{name}")


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _label_absent(html, obj):
    assert MARK not in html
    assert str(obj) not in html or MARK not in str(obj)


def _assert_field_refuses(form_field, obj, name):
    """The form field neither offers nor accepts ``obj``, nor names it when given as the value."""
    assert not form_field.queryset.filter(pk=obj.pk).exists()
    value = (
        [str(obj.pk)]
        if hasattr(form_field, "widget") and form_field.__class__.__name__.startswith("ModelMultiple")
        else str(obj.pk)
    )
    with pytest.raises(ValidationError) as refused:
        form_field.clean(value)
    assert refused.value.code in ("invalid_choice", "invalid_pk_value", "invalid_list")
    _label_absent(form_field.widget.render(name, value), obj)


def _field_refused_in_response(response, name):
    """403, or the form came back with ``name`` refused as an invalid choice."""
    if response.status_code == 403:
        return True
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    if name not in form.fields:
        return True  # read-only or not in the form: the posted value is ignored (counted below)
    codes = [error.code for error in form.errors.as_data().get(name, [])]
    return bool({"invalid_choice", "invalid_pk_value"} & set(codes))


def test_every_admin_and_inline_is_the_portals():
    """A new admin class is scoped and audited without anyone remembering to."""
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, PortalAdminMixin), model
        for inline in model_admin.get_inline_instances(_request(_AnySuperuser())):
            assert isinstance(inline, PortalInlineMixin), inline


class _AnySuperuser:
    is_superuser = is_active = is_authenticated = is_staff = True
    pk = None

    def has_perm(self, *args):
        return True


@pytest.mark.parametrize(("model", "name", "mode"), list(_top_level_cases()))
def test_relation_is_limited_to_what_the_user_may_see(client, staff, own, foreign, model, name, mode):
    model_admin = admin.site._registry[model]
    field = model._meta.get_field(name)
    obj = foreign[field.related_model._meta.label_lower]
    request = _request(staff)
    instance = model_admin.get_queryset(request).first() if mode == "change" else None

    # The form field itself, whatever the page does with it.
    form_class = model_admin.get_form(
        request, instance or (model() if mode == "change" else None), change=False
    )
    if name in form_class.base_fields:
        _assert_field_refuses(form_class.base_fields[name], obj, name)

    # The page, with the foreign id in the query string and in the post.
    opts = model._meta
    if mode == "add":
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    elif instance is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
    else:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    client.force_login(staff)
    response = client.get(url, {name: obj.pk})
    assert response.status_code in (200, 403), response.status_code
    _label_absent(response.content.decode(), obj)
    if mode == "add" or instance is not None:
        before = model._default_manager.filter(**{name: obj}).count()
        response = client.post(url, {name: obj.pk})
        assert _field_refused_in_response(response, name)
        _label_absent(response.content.decode(), obj)
        assert model._default_manager.filter(**{name: obj}).count() == before


@pytest.mark.parametrize(("parent", "inline_class", "name"), list(_inline_cases()))
def test_inline_relation_is_limited_to_what_the_user_may_see(staff, own, foreign, parent, inline_class, name):
    request = _request(staff)
    inline = portal_inline(inline_class)(parent, admin.site)
    field = inline.model._meta.get_field(name)
    obj = foreign[field.related_model._meta.label_lower]
    form_class = inline.get_formset(request, None).form
    if name in form_class.base_fields:
        _assert_field_refuses(form_class.base_fields[name], obj, name)


@pytest.mark.parametrize(("source", "name"), list(_autocomplete_cases()))
def test_autocomplete_answers_only_within_what_the_user_may_see(client, staff, foreign, source, name):
    field = source._meta.get_field(name)
    obj = foreign[field.related_model._meta.label_lower]
    client.force_login(staff)
    opts = source._meta
    for term in ("", MARK, str(obj)[:20]):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": opts.app_label, "model_name": opts.model_name, "field_name": name, "term": term},
        )
        assert response.status_code in (200, 403)
        _label_absent(response.content.decode(), obj)
        if response.status_code == 200:
            assert str(obj.pk) not in {row["id"] for row in response.json()["results"]}


def test_autocomplete_still_finds_own_people(client, staff, foreign):
    client.force_login(staff)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "samarbejde", "model_name": "membership", "field_name": "user", "term": ""},
    )
    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    assert "Karen Administrator" in names and "Ilulissat Medarbejder" not in names


def test_a_scoping_lost_is_caught(staff, foreign, monkeypatch):
    """The check above fails for an admin class that bypasses the shared rule."""
    from django.contrib.admin import ModelAdmin

    channel_admin = admin.site._registry[Channel]
    monkeypatch.setattr(
        type(channel_admin),
        "formfield_for_foreignkey",
        lambda self, db_field, request, **kw: ModelAdmin.formfield_for_foreignkey(
            self, db_field, request, **kw
        ),
    )
    form_class = channel_admin.get_form(_request(staff), None, change=False)
    with pytest.raises(AssertionError):
        _assert_field_refuses(form_class.base_fields["organisation"], foreign["samarbejde.organisation"], "x")


# --- hole 1 as reported --------------------------------------------------------------------------


def test_hole_1_participant_add_form_names_no_other_municipality_citizen(client, kbh_admin, foreign):
    aarhus_case = foreign["borgerforloeb.case"]
    client.force_login(kbh_admin)
    url = reverse("admin:borgerforloeb_participant_add")
    response = client.get(url, {"case": aarhus_case.pk})
    assert "Ilulissat Borgersen" not in response.content.decode()
    response = client.post(
        url,
        {"case": aarhus_case.pk, "user": kbh_admin.pk, "role": Participant.Role.CONTACT, "active": "on"},
    )
    assert response.status_code == 403
    assert not Participant.objects.filter(user=kbh_admin).exists()
    assert client.get(reverse("borgerforloeb:case_detail", args=[aarhus_case.pk])).status_code == 404
    assert not Case.objects.visible_to(kbh_admin).exists()


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("attentionpoint", "case"),
        ("consent", "case"),
        ("consent", "citizen"),
        ("coordinatorassignment", "case"),
        ("decision", "case"),
        ("effort", "case"),
        ("meeting", "case"),
        ("plan", "case"),
        ("task", "case"),
        ("case", "citizen"),
        ("participant", "case"),
    ],
)
def test_hole_1_add_forms_name_no_citizen(client, kbh_admin, foreign, model, field):
    client.force_login(kbh_admin)
    target = foreign[f"borgerforloeb.{field}"]
    response = client.get(reverse(f"admin:borgerforloeb_{model}_add"), {field: target.pk})
    assert "Ilulissat Borgersen" not in response.content.decode()


def test_hole_1_plan_ids_in_sequence_name_no_citizen(client, kbh_admin, foreign, make_user):
    for n in range(3):
        make_case(
            foreign["samarbejde.municipality"],
            citizen=make_citizen(foreign["samarbejde.municipality"], full_name=f"Ilulissat Borger {n}"),
        )
        new_plan_version(actor=None, case=Case.objects.latest("created_at"))
    client.force_login(kbh_admin)
    for plan in Plan.objects.all():
        html = client.get(reverse("admin:borgerforloeb_planversion_add"), {"plan": plan.pk}).content.decode()
        assert MARK not in html


def test_superuser_may_still_write_case_data_and_it_is_audited(client, superuser, foreign, kbh_admin):
    case = foreign["borgerforloeb.case"]
    client.force_login(superuser)
    response = client.post(
        reverse("admin:borgerforloeb_participant_add"),
        {
            "case": case.pk,
            "user": kbh_admin.pk,
            "role": Participant.Role.CONTACT,
            "active": "on",
            "added_at_0": "2026-01-01",
            "added_at_1": "10:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    participant = Participant.objects.get(user=kbh_admin)
    event = AuditEvent.objects.get(object_type="borgerforloeb.participant", object_id=str(participant.pk))
    assert event.action == "create" and event.actor == superuser and event.case_id == case.pk
    assert event.note == "admin"


def test_case_data_is_read_only_for_a_caseworker_administrator(client, staff, own):
    client.force_login(staff)
    url = reverse("admin:borgerforloeb_case_change", args=[own.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert client.post(url, {"summary": "Ændret i admin"}).status_code == 403
    assert client.get(reverse("admin:borgerforloeb_case_add")).status_code == 403
    assert (
        client.post(reverse("admin:borgerforloeb_case_delete", args=[own.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Case.objects.filter(pk=own.pk).exists()


def test_citizen_saved_in_admin_is_audited_without_its_cpr(client, superuser, kbh, kbh_org, make_user):
    worker = make_user(role=Role.CASEWORKER, organisation=kbh_org)
    citizen = make_citizen(kbh, actor=worker, full_name="Nivi Olsen", cpr="0707614005")
    client.force_login(superuser)
    url = reverse("admin:borgerforloeb_citizen_change", args=[citizen.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)}
    data.update({"full_name": "Nivi Olsen Berthelsen", "municipality": kbh.pk})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.filter(object_id=str(citizen.pk), note="admin").get()
    assert event.changes["full_name"] == ["Nivi Olsen", "Nivi Olsen Berthelsen"]
    assert "070761" not in str(event.changes) and "4005" not in str(event.changes)


# --- hole 3: offers and framework per municipality ---------------------------------------------------


def test_hole_3_offers_are_scoped_in_admin(client, kbh_admin, kbh_org, foreign):
    mine = Offer.objects.create(organisation=kbh_org, name="Værestedet")
    theirs = foreign["tilbud.offer"]
    client.force_login(kbh_admin)
    listing = client.get(reverse("admin:tilbud_offer_changelist"))
    assert list(listing.context["cl"].queryset) == [mine]
    for view in ("change", "delete", "history"):
        assert client.get(reverse(f"admin:tilbud_offer_{view}", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("admin:tilbud_offer_delete", args=[theirs.pk]), {"post": "yes"}).status_code
        == 404
    )
    response = client.post(
        reverse("admin:tilbud_offer_changelist"),
        {"action": "delete_selected", "_selected_action": [mine.pk, theirs.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert Offer.objects.filter(pk=theirs.pk).exists() and not Offer.objects.filter(pk=mine.pk).exists()
    event = AuditEvent.objects.get(object_type="tilbud.offer", object_id=str(mine.pk))
    assert event.action == "delete" and event.actor == kbh_admin


def test_hole_3_offer_saved_in_admin_is_audited(client, kbh_admin, kbh_org, kbh):
    offer = Offer.objects.create(organisation=kbh_org, name="Værestedet")
    client.force_login(kbh_admin)
    url = reverse("admin:tilbud_offer_change", args=[offer.pk])
    data = {
        "organisation": kbh_org.pk,
        "name": "Værestedet Nord",
        "status": offer.status,
        "municipalities": [kbh.pk],
    }
    for prefix in ("locations", "phones", "contacts", "schedules", "schedule_exceptions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    formsets = client.get(url).context["inline_admin_formsets"]
    for formset in formsets:
        prefix = formset.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(object_type="tilbud.offer", object_id=str(offer.pk))
    assert event.action == "update" and event.changes["name"] == ["Værestedet", "Værestedet Nord"]


def test_hole_3_offer_keeps_municipalities_the_administrator_cannot_see(
    client, kbh_admin, kbh_org, kbh, foreign
):
    offer = Offer.objects.create(organisation=kbh_org, name="Værestedet")
    offer.municipalities.set([kbh, foreign["samarbejde.municipality"]])
    client.force_login(kbh_admin)
    url = reverse("admin:tilbud_offer_change", args=[offer.pk])
    page = client.get(url)
    assert MARK not in page.content.decode()
    data = {
        "organisation": kbh_org.pk,
        "name": "Værestedet",
        "status": offer.status,
        "municipalities": [kbh.pk],
    }
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    assert client.post(url, data).status_code == 302
    assert set(offer.municipalities.all()) == {kbh, foreign["samarbejde.municipality"]}


def test_hole_3_csv_import_refuses_every_row_outside_the_municipality(client, kbh_admin, kbh_org, foreign):
    import io

    from tilbud import csv_io

    mine = Offer.objects.create(organisation=kbh_org, name="Værestedet")
    theirs = foreign["tilbud.offer"]
    other_org = foreign["samarbejde.organisation"]
    text = (
        "id;name;organisation_id\n"
        f"{mine.pk};Værestedet Nord;{kbh_org.pk}\n"
        f"{theirs.pk};Overtaget;{kbh_org.pk}\n"
        f";Nyt tilbud derovre;{other_org.pk}\n"
        f"{theirs.pk}x;Ugyldig;{kbh_org.pk}\n"
    )
    assert csv_io.COLUMNS  # the columns used above are known
    client.force_login(kbh_admin)
    response = client.post(
        "/admin/tilbud/offer/import-csv/", {"file": io.BytesIO(text.encode()), "skip_invalid": ""}
    )
    assert response.status_code == 200
    rows = [row for row, _message in response.context["result"].errors]
    assert rows == [3, 4, 5]
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.name == "Ilulissat Tilbud" and theirs.organisation == other_org
    assert mine.name == "Værestedet"  # nothing is saved while the file has errors
    response = client.post(
        "/admin/tilbud/offer/import-csv/", {"file": io.BytesIO(text.encode()), "skip_invalid": "on"}
    )
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.name == "Ilulissat Tilbud" and mine.name == "Værestedet Nord"
    assert not Offer.objects.filter(name="Nyt tilbud derovre").exists()


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_changelists_show_nothing_of_another_municipality(client, staff, own, foreign, model):
    opts = model._meta
    client.force_login(staff)
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code in (200, 403)
    assert MARK not in response.content.decode()


def test_bulk_delete_of_channels_is_audited_and_scoped(client, kbh_admin, kbh, foreign):
    mine = Channel.objects.create(municipality=kbh, topic="Tolk", way=Channel.Way.PHONE, contact_details="1")
    theirs = Channel.objects.create(
        municipality=foreign["samarbejde.municipality"],
        topic="Ilulissat",
        way=Channel.Way.PHONE,
        contact_details="2",
    )
    client.force_login(kbh_admin)
    client.post(
        reverse("admin:samarbejde_channel_changelist"),
        {"action": "delete_selected", "_selected_action": [mine.pk, theirs.pk], "post": "yes"},
    )
    assert Channel.objects.filter(pk=theirs.pk).exists() and not Channel.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="samarbejde.channel", action="delete", object_id=str(mine.pk)
    ).exists()


# --- point 7: the global Celery schedules -------------------------------------------------------------


def test_celery_schedules_are_for_superusers_only(client, kbh_admin, superuser):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    schedule = IntervalSchedule.objects.create(every=1, period="days")
    task = PeriodicTask.objects.create(name="Påmindelser", task="x", interval=schedule)
    assert not any(p.startswith("django_celery_beat.") for p in kbh_admin.get_all_permissions())
    client.force_login(kbh_admin)
    for url in (
        reverse("admin:django_celery_beat_periodictask_changelist"),
        reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]),
        reverse("admin:django_celery_beat_intervalschedule_add"),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert "django_celery_beat" not in client.get(reverse("admin:index")).content.decode()
    client.force_login(superuser)
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200


def test_delete_page_names_no_object_of_another_municipality(client, kbh_admin, kbh_org, foreign):
    offer = Offer.objects.create(organisation=kbh_org, name="Værestedet")
    person, case = foreign["core.user"], foreign["borgerforloeb.case"]
    save_effort(actor=person, case=case, title="Ilulissat Indsats", responsible=person, offer=offer)
    client.force_login(kbh_admin)
    url = reverse("admin:tilbud_offer_delete", args=[offer.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert MARK not in response.content.decode()
    client.post(url, {"post": "yes"})
    response = client.post(
        reverse("admin:tilbud_offer_changelist"),
        {"action": "delete_selected", "_selected_action": [offer.pk], "post": "yes"},
    )
    assert MARK not in response.content.decode()
    assert Offer.objects.filter(pk=offer.pk).exists()


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_every_admin_delete_is_audited(client, superuser, own, model):
    """Deleting any row in admin leaves an audit row naming it (where admin lets it be deleted)."""
    opts = model._meta
    model_admin = admin.site._registry[model]
    request = _request(superuser)
    obj = model_admin.get_queryset(request).exclude(pk=superuser.pk if model is type(superuser) else None)
    obj = obj.order_by("pk").last()
    if obj is None or not model_admin.has_delete_permission(request, obj):
        return
    client.force_login(superuser)
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    page = client.get(url)
    if page.status_code != 200 or page.context.get("perms_lacking") or page.context.get("protected"):
        return
    client.post(url, {"post": "yes"})
    if model._default_manager.filter(pk=obj.pk).exists():
        return  # refused by the admin class itself (e.g. an organisation still in use)
    event = AuditEvent.objects.get(object_type=opts.label_lower, object_id=str(obj.pk), action="delete")
    assert event.actor == superuser
