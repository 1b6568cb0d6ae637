"""Finalising a letter: freeze its signatory list."""

from django.db import transaction

from letters.models import Letter


def finalise_letter(letter, by=None, reason=""):
    """Close the letter for good. Later changes need an explicit, recorded reopen."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        letter.change_status(Letter.Status.FINALISED, by=by, reason=reason)
    return letter
