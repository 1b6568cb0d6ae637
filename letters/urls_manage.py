"""Coordinator workspace URLs (behind login): letters, their sign-ons, adding lists, the directory."""

from django.urls import path, register_converter

from letters.views import api_tokens, directory, manage, manage_import, manage_sections, manage_signatures


class IdConverter:
    """Like <int:…>, but at most 18 digits: SQLite raises OverflowError on larger ids instead of finding none."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "manage_id")

app_name = "manage"

letter = "letters/<slug:slug>/"
signature = letter + "signatures/<manage_id:pk>/"

urlpatterns = [
    path("", manage.letter_list, name="letters"),
    path("letters/new/", manage.letter_create, name="letter_create"),
    path(letter, manage_signatures.dashboard, name="letter"),
    path(letter + "settings/", manage.letter_settings, name="letter_settings"),
    path(letter + "copy/", manage.letter_copy, name="letter_copy"),
    path(letter + "status/", manage.letter_status, name="letter_status"),
    path(letter + "visibility/publish/", manage.letter_publish, name="letter_publish"),
    path(letter + "visibility/rotate-link/", manage.letter_rotate_link, name="letter_rotate_link"),
    path(letter + "versions/new/", manage.version_edit, name="version_create"),
    path(letter + "versions/<str:language>/", manage.version_edit, name="version_edit"),
    path(letter + "bulk/", manage_signatures.bulk_action, name="bulk"),
    path(letter + "sections/", manage_sections.sections, name="sections"),
    path(letter + "sections/new/", manage_sections.section_create, name="section_create"),
    path(letter + "sections/settings/", manage_sections.section_settings, name="section_settings"),
    path(letter + "sections/<manage_id:pk>/", manage_sections.section_update, name="section_update"),
    path(letter + "add/", manage_signatures.signature_add, name="signature_add"),
    path(letter + "paste/", manage_import.paste, name="paste"),
    path(letter + "paste/import/", manage_import.paste_import, name="paste_import"),
    path(signature, manage_signatures.signature_detail, name="signature"),
    path(signature + "rename/", manage_signatures.signature_rename, name="signature_rename"),
    path(signature + "move/", manage_signatures.signature_move, name="signature_move"),
    path(signature + "section/", manage_sections.signature_section, name="signature_section"),
    path(signature + "<str:action>/", manage_signatures.signature_action, name="signature_action"),
    path("paste/", manage_import.paste_pick, name="paste_pick"),
    path("api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path("api-tokens/<manage_id:pk>/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"),
    path("directory/", directory.directory, name="directory"),
    path("directory/duplicates/", directory.duplicates, name="duplicates"),
    path("directory/merge/", directory.merge, name="merge"),
    path("directory/<manage_id:pk>/", directory.organisation_detail, name="organisation"),
    path("directory/<manage_id:pk>/edit/", directory.organisation_edit, name="organisation_edit"),
    path("directory/<manage_id:pk>/split/", directory.organisation_split, name="organisation_split"),
]
