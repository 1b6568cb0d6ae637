"""Template tags of the outreach area: the campaign summary shown in the letter dashboard's outreach panel."""

from django import template
from django.utils.translation import gettext_lazy as _

from letters.services.invitations import campaign, outbox

register = template.Library()


@register.simple_tag
def campaign_summary(letter):
    """{"campaign": Campaign, "outbox": counts per state} for one letter, in three queries."""
    return {"campaign": campaign(letter), "outbox": outbox(letter)}


EMAIL_KINDS = {
    "invitation": _("Invitation"),
    "reminder": _("Reminder"),
    "reminder-unconfirmed": _("Reminder to confirm"),
    "notify-signon": _("New sign-on notice"),
    "digest": _("Daily digest"),
    "signon-confirm": _("Sign-on confirmation"),
}


@register.filter
def email_kind(kind):
    """A readable name for an outbox row's kind (other areas' kinds are shown as they are)."""
    return EMAIL_KINDS.get(kind, kind)
