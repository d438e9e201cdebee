"""Rendering of long facet lists (a municipality facet has about a hundred choices)."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

# One radio button per choice: the markup of templates/tilbud/_facet.html, built without a template
# loop (about ten variable lookups per choice).
CHOICE = (
    '\n  <div class="form-check">\n'
    '    <input class="form-check-input js-autosubmit" type="radio" name="{name}" value="{value}" '
    'id="f-{name}-{number}"{checked}>\n'
    '    <label class="form-check-label" for="f-{name}-{number}">{label} '
    '<span class="badge text-bg-light">{count}</span></label>\n'
    "  </div>\n  "
)


@register.simple_tag
def facet_choices(name, choices):
    name = conditional_escape(name)
    return mark_safe(  # every value below is escaped
        "".join(
            CHOICE.format(
                name=name,
                value=conditional_escape(choice["value"]),
                number=number,
                checked=" checked" if choice["selected"] else "",
                label=conditional_escape(choice["label"]),
                count=conditional_escape(localize(choice["count"])),
            )
            for number, choice in enumerate(choices, start=1)
        )
    )
