"""Coordinator pages of the outreach area: invite partners, follow the campaign, manage contacts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from letters.access import (
    get_contacts_for_coordinator,
    get_letter_for_coordinator,
    organisations_with_visible_contacts,
)
from letters.forms.outreach import ContactForm, InviteForm, OutreachSettingsForm
from letters.models import Letter
from letters.services import campaign as figures
from letters.services import invitations as service

CHASE_PAGE_SIZE = 100


@login_required
def invite(request, slug):
    """GET previews who a choice would invite (no side effects); POST with the same choice sends."""
    letter = get_letter_for_coordinator(request, slug, Letter.objects.prefetch_related("versions"))
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = InviteForm(data, letter=letter, user=request.user)
    plan = None
    if form.is_valid() and not form.has_choice():
        if request.method == "POST":
            form.add_error(None, _("Choose at least one organisation, region, country, tag or letter."))
    elif form.is_valid() and request.method == "POST":
        return _send(request, letter, form)
    elif form.is_valid():
        visible = organisations_with_visible_contacts(request.user)
        plan = service.plan_invitations(letter, form.selection(), visible=visible)
    return render(request, "letters/invitations/invite.html", {"letter": letter, "form": form, "plan": plan})


def _send(request, letter, form):
    try:
        result = service.send_invitations(letter, form.selection(), by=request.user)
    except service.LetterNotOpen:
        messages.error(request, _("This letter is no longer open for sign-on: nobody was invited."))
    else:
        messages.success(request, _invited_message(result))
    return redirect("invitations:campaign", slug=letter.slug)


def _invited_message(result):
    if not result.emails:
        return _("Nobody new to invite: every chosen organisation was already invited, answered or has no contact.")
    return ngettext(
        "%(emails)d invitation is being sent to %(orgs)d organisation.",
        "%(emails)d invitations are being sent to %(orgs)d organisations.",
        result.emails,
    ) % {"emails": result.emails, "orgs": result.organisations}


@login_required
def campaign(request, slug):
    letter = get_letter_for_coordinator(request, slug)
    chase = Paginator(figures.still_to_chase(letter), CHASE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "letter": letter,
        "campaign": figures.campaign(letter),
        "chase": chase,
        "unconfirmed": figures.unconfirmed(letter)[:CHASE_PAGE_SIZE],
        "outbox": figures.outbox(letter),
        "emails": letter.emails.defer("body_text", "body_html")[:30],
        "settings_form": OutreachSettingsForm(instance=letter),
    }
    return render(request, "letters/invitations/campaign.html", context)


@login_required
@require_POST
def outreach_settings(request, slug):
    letter = get_letter_for_coordinator(request, slug)
    form = OutreachSettingsForm(request.POST, instance=letter)
    if form.is_valid():
        form.save()
        messages.success(request, _("Reminder and notification settings saved."))
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect("invitations:campaign", slug=letter.slug)


@login_required
@require_POST
def retry_failed(request, slug):
    letter = get_letter_for_coordinator(request, slug)
    count = figures.retry_failed(letter)
    message = ngettext("%d email will be tried again.", "%d emails will be tried again.", count)
    messages.success(request, message % count)
    return redirect("invitations:campaign", slug=letter.slug)


@login_required
def contacts(request, pk):
    """An organisation's contacts: who gets invitations and reminders, in which language.

    Every coordinator may add a contact; only staff and coordinators of a related letter see who they are.
    """
    organisation, may_see = get_contacts_for_coordinator(request, pk)
    form = ContactForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, _("Contact added."))
        if contact.unsubscribed_at:
            messages.warning(request, _(
                "This address unsubscribed from invitations and reminders: it will not receive any until "
                "an administrator resubscribes it, at the person’s request."
            ))
        return redirect("invitations:contacts", pk=organisation.pk)
    context = {"organisation": organisation, "contacts": organisation.contacts.order_by("email"), "form": form,
               "may_see": may_see}
    return render(request, "letters/invitations/contacts.html", context)


@login_required
@require_POST
def contact_toggle(request, pk, contact_pk):
    """Deactivate a contact (left the organisation) or activate it again. Unsubscribing is the contact's own choice."""
    organisation, may_see = get_contacts_for_coordinator(request, pk)
    if not may_see:
        raise PermissionDenied
    contact = get_object_or_404(organisation.contacts, pk=contact_pk)
    contact.is_active = not contact.is_active
    contact.save(update_fields=["is_active"])
    return redirect("invitations:contacts", pk=organisation.pk)


@login_required
@require_POST
def contact_resubscribe(request, pk, contact_pk):
    """Staff only, when the person asked for it: lift the unsubscribe of this contact's address, everywhere."""
    organisation, _may_see = get_contacts_for_coordinator(request, pk)
    if not request.user.is_staff:
        raise PermissionDenied
    contact = get_object_or_404(organisation.contacts, pk=contact_pk)
    service.resubscribe(contact.email, by=request.user)
    messages.success(request, _("%(email)s will receive invitations and reminders again.") % {"email": contact.email})
    return redirect("invitations:contacts", pk=organisation.pk)
