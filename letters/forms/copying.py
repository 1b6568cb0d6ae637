"""The form of "Start a new letter from this one" (the workspace and `manage.py copy_letter` both use it)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from letters.models import Letter


class LetterCopyForm(forms.ModelForm):
    """The new letter's address and internal title (validated as for any letter: a free, valid slug), and
    whether to carry over whom the earlier letter invited."""

    with_invitees = forms.BooleanField(
        label=_("Carry over the organisations invited to the earlier letter"), required=False,
        help_text=_("They are tagged in the directory, ready to choose on the invite page once the new letter is "
                    "open. Nobody is invited or emailed now."),
    )

    class Meta:
        model = Letter
        fields = ["title", "slug"]
