"""``{% offer_refer_url offer_pk as url %}``: where signed-in staff refer a citizen to an offer
(``settings.OFFER_REFER_URL_NAME``, a page of the case app), or "" for anyone who cannot."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from core.roles import Role

register = template.Library()


@register.simple_tag(takes_context=True)
def offer_refer_url(context, offer_pk) -> str:
    user = context.get("user")
    name = getattr(settings, "OFFER_REFER_URL_NAME", "")
    if not name or user is None or not user.is_authenticated:
        return ""
    if not (user.is_superuser or user.has_role(Role.CASEWORKER) or user.has_role(Role.COORDINATOR)):
        return ""
    try:
        return f"{reverse(name)}?{urlencode({'tilbud': offer_pk})}"
    except NoReverseMatch:
        return ""
