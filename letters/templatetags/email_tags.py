"""Filters for email templates: |defang on every value a signer (or a directory record) supplied."""

from django import template

from letters.emails.defang import defang as defang_text

register = template.Library()


@register.filter
def defang(value):
    """See letters.emails.defang: no URL or domain from free text ever becomes a link in our emails."""
    return defang_text(value)
