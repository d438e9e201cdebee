"""``{% case_efforts_panel case %}`` on the case page: the efforts, with the receiving
organisation's answer to each referral (accepted, or declined with the reason)."""

from django import template

from borgerforloeb.selectors import case_efforts

register = template.Library()


@register.inclusion_tag("borgerforloeb/efforts/_case_panel.html")
def case_efforts_panel(case, efforts=None):
    """The case's efforts still running (at most 10), or ``efforts`` when the page read them."""
    if efforts is None:
        efforts = list(case_efforts(case).exclude(status="ended")[:10])
    return {"case": case, "efforts": efforts}
