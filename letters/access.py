"""One access helper per object type: the 404/403 rule for coordinators is written once, here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from letters.models import Letter, Organisation, Signature


def get_letter_for_coordinator(request, slug, queryset=None):
    """The letter `slug` if the logged-in user coordinates it (or is staff); 404 otherwise.

    404 rather than 403 so that coordinators cannot probe which letters exist.
    """
    queryset = queryset if queryset is not None else Letter.objects.all()
    return get_object_or_404(queryset.coordinated_by(request.user), slug=slug)


def get_signature_for_coordinator(request, letter, pk):
    """A sign-on of a letter the user coordinates (call get_letter_for_coordinator first)."""
    return get_object_or_404(Signature.objects.select_related("organisation", "letter"), letter=letter, pk=pk)


def get_organisation_for_coordinator(request, pk):
    """Directory records are shared by all coordinators; contact details stay per letter (see templates)."""
    if not (request.user.is_authenticated and (request.user.is_staff or request.user.coordinated_letters.exists())):
        raise PermissionDenied
    return get_object_or_404(Organisation, pk=pk)


def require_coordinator(user):
    """Anyone who coordinates at least one letter, or staff, may use the directory and create letters."""
    if not user.is_authenticated:
        raise Http404
    if not (user.is_staff or user.coordinated_letters.exists() or user.has_perm("letters.add_letter")):
        raise PermissionDenied
