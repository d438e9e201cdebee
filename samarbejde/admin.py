from django.contrib import admin

from samarbejde.models import Membership, Municipality, Organisation, Unit


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "archived_at"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "cvr"]
    list_select_related = ["municipality"]
    inlines = [UnitInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "unit", "title", "is_key_contact"]
    list_filter = ["organisation__municipality", "is_key_contact"]
    search_fields = ["user__full_name", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation", "unit"]
    autocomplete_fields = ["user", "organisation", "unit"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
