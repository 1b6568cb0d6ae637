"""One access helper per object type: the 404/403 rule for coordinators is written once, here."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from letters.models import Invitation, Letter, Organisation, Signature
from letters.models.letters import coordinates_all_letters


def get_letter_for_coordinator(request, slug, queryset=None):
    """The letter `slug` if the logged-in user coordinates it (or coordinates all letters); 404 otherwise.

    404 rather than 403 so that coordinators cannot probe which letters exist.
    """
    queryset = queryset if queryset is not None else Letter.objects.all()
    return get_object_or_404(queryset.coordinated_by(request.user), slug=slug)


def reader_may_see(request, letter):
    """Whether this visitor may read `letter`: anyone when it is public; a confidential one (until published) only
    its coordinators, a browser that opened a personal invitation to it or its current shared link. A confidential
    page is marked on the request so that the response carries noindex and is never cached (coalition.middleware)."""
    from letters.services.confidential import shared_link_grants, signer_grants
    from letters.services.signon import invitation_for

    if not letter.is_confidential_now:
        return True
    request.coalition_confidential = True
    return (letter.is_coordinated_by(request.user) or shared_link_grants(request, letter)
            or signer_grants(request, letter) or invitation_for(request, letter) is not None)


def get_signature_for_coordinator(request, letter, pk):
    """A sign-on of a letter the user coordinates (call get_letter_for_coordinator first)."""
    return get_object_or_404(Signature.objects.select_related("organisation", "letter"), letter=letter, pk=pk)


def get_organisation_for_coordinator(request, pk):
    """Directory records are shared by all coordinators; contact details stay per letter (see templates)."""
    user = request.user
    if not (user.is_authenticated and (coordinates_all_letters(user) or user.coordinated_letters.exists())):
        raise PermissionDenied
    return get_object_or_404(Organisation, pk=pk)


def require_coordinator(user):
    """Anyone who coordinates at least one letter (or all of them), or may add letters, may use the directory and
    create letters. Being staff is not enough: see coordinates_all_letters."""
    if not user.is_authenticated:
        raise Http404
    if not (coordinates_all_letters(user) or user.coordinated_letters.exists() or user.has_perm("letters.add_letter")):
        raise PermissionDenied


def coordinated_letter_ids(user):
    """Ids of the letters whose signers' contact details `user` may see (all for coordinators of all letters)."""
    return set(Letter.objects.coordinated_by(user).values_list("pk", flat=True))


# --- contacts (outreach) ------------------------------------------------------------------------------------------


def organisations_with_visible_contacts(user):
    """Organisations whose contacts (names, emails) `user` may see and change.

    Contacts are personal data shared by the whole coalition's directory, so a coordinator sees them only for
    organisations related to a letter they coordinate (invited to it, or signed it in any way); those who
    coordinate all letters (superusers, letters.coordinate_all_letters) see all.
    Every coordinator may still *add* a contact anywhere: that is how a new partner gets its first invitation.
    """
    if not user.is_authenticated:
        return Organisation.objects.none()
    if coordinates_all_letters(user):
        return Organisation.objects.all()
    letters = Letter.objects.coordinated_by(user).values("pk")
    return Organisation.objects.filter(
        Q(pk__in=Signature.objects.filter(letter__in=letters).values("organisation_id"))
        | Q(pk__in=Invitation.objects.filter(letter__in=letters).values("organisation_id"))
    )


def can_see_contacts(user, organisation):
    return organisations_with_visible_contacts(user).filter(pk=organisation.pk).exists()


def get_contacts_for_coordinator(request, pk):
    """(organisation, may_see_contacts): any coordinator reaches the page (403 for others, 404 if unknown), but
    only coordinators of all letters and of a related letter see the contacts' details or change them."""
    organisation = get_organisation_for_coordinator(request, pk)
    return organisation, can_see_contacts(request.user, organisation)
