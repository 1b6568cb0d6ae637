"""Coordinator pages of the outreach area: invite partners, follow the campaign, manage contacts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from letters.access import get_letter_for_coordinator, get_organisation_for_coordinator
from letters.forms.outreach import ContactForm, InviteForm, OutreachSettingsForm
from letters.services import invitations as service

CHASE_PAGE_SIZE = 100


@login_required
def invite(request, slug):
    """GET previews who a choice would invite (no side effects); POST with the same choice sends."""
    letter = get_letter_for_coordinator(request, slug)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = InviteForm(data, letter=letter, user=request.user)
    plan = None
    if form.is_valid() and not form.has_choice():
        if request.method == "POST":
            form.add_error(None, _("Choose at least one organisation, region, country, tag or letter."))
    elif form.is_valid() and request.method == "POST":
        result = service.send_invitations(letter, form.selection(), by=request.user)
        messages.success(request, _invited_message(result))
        return redirect("invitations:campaign", slug=letter.slug)
    elif form.is_valid():
        plan = service.plan_invitations(letter, form.selection())
    return render(request, "letters/invitations/invite.html", {"letter": letter, "form": form, "plan": plan})


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
    chase = Paginator(service.still_to_chase(letter), CHASE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "letter": letter,
        "campaign": service.campaign(letter),
        "chase": chase,
        "unconfirmed": service.unconfirmed(letter)[:CHASE_PAGE_SIZE],
        "outbox": service.outbox(letter),
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
    count = service.retry_failed(letter)
    message = ngettext("%d email will be tried again.", "%d emails will be tried again.", count)
    messages.success(request, message % count)
    return redirect("invitations:campaign", slug=letter.slug)


@login_required
def contacts(request, pk):
    """An organisation's contacts: who gets invitations and reminders, in which language."""
    organisation = get_organisation_for_coordinator(request, pk)
    form = ContactForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Contact added."))
        return redirect("invitations:contacts", pk=organisation.pk)
    context = {"organisation": organisation, "contacts": organisation.contacts.order_by("email"), "form": form}
    return render(request, "letters/invitations/contacts.html", context)


@login_required
@require_POST
def contact_toggle(request, pk, contact_pk):
    """Deactivate a contact (left the organisation) or activate it again. Unsubscribing is the contact's own choice."""
    organisation = get_organisation_for_coordinator(request, pk)
    contact = get_object_or_404(organisation.contacts, pk=contact_pk)
    contact.is_active = not contact.is_active
    contact.save(update_fields=["is_active"])
    return redirect("invitations:contacts", pk=organisation.pk)
