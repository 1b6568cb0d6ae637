"""Template tags of the exports area: what the letter dashboard's export panel shows."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from letters.exports import SignatoryList
from letters.models import Letter

register = template.Library()


@register.simple_tag
def export_summary(letter):
    """{"languages": [(code, name)], "final": latest snapshot or None, "late_total": names after finalisation}.

    Names come from LETTER_LANGUAGES: Django's own language table has no plain "zh".
    """
    names = dict(settings.LETTER_LANGUAGES)
    languages = [v.language for v in letter.versions.all()] or [letter.default_language]
    finalised = letter.status == Letter.Status.FINALISED
    final = None
    if finalised:
        final = letter.snapshots.defer("rows").filter(kind="final").select_related("created_by").first()
    late = {}
    if final:
        late = {language: SignatoryList(letter, language, source="addendum").count() for language in languages}
    return {"languages": [(code, names.get(code, code)) for code in languages], "final": final,
            "late_total": max(late.values(), default=0)}


@register.simple_tag
def export_url(letter, language, layout, **options):
    """A download link with the list options coordinators use most (organisations, then individuals)."""
    query = {"language": language, "format": layout, "group_individuals": "on", **options}
    return reverse("exports:download", kwargs={"slug": letter.slug}) + "?" + urlencode(query)
