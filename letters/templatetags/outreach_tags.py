"""Template tags of the outreach area: the campaign summary of the letter dashboard's panel, outbox labels."""

from django import template

from letters.emails.outreach import Skipped, email_language, kind_label
from letters.services.campaign import campaign, outbox

register = template.Library()


@register.simple_tag
def campaign_summary(letter):
    """{"campaign": Campaign, "outbox": counts per state} for one letter, in three queries."""
    return {"campaign": campaign(letter), "outbox": outbox(letter)}


@register.filter
def email_kind(kind):
    """A readable name for an outbox row's kind (kinds of other areas without a name are shown as they are)."""
    return kind_label(kind)


@register.filter
def writes_in(contact, letter):
    """The language the contact's emails about `letter` are written in (their own only if the letter has it)."""
    return email_language(contact.language, letter)


@register.filter
def not_sent_reason(email):
    """Why an outbox email was left unsent on purpose (unsubscribed, answered…), in words; "" otherwise."""
    return Skipped.LABELS.get(email.last_error, "") if email.state == "failed" else ""


@register.filter
def masked_email(address):
    """"a…@example.org": enough for the owner of an address to recognise it, without spelling it out to anyone
    else holding the link."""
    local, _at, domain = str(address).partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"
