"""A pasted list, in two steps as on the workspace's paste screen: preview (nothing written), then commit.

The preview is stateless, as in the workspace: the pasted text travels back, here inside a signed, compressed token
(bound to the letter and the user, valid a day), and is parsed again on commit (parsing is deterministic). Nothing is
kept on the server between the steps, so the commit may reach any web process.
"""

from django.core import signing
from django.db import transaction
from ninja import Router, Status
from ninja.errors import HttpError

from letters.api import schemas
from letters.api.auth import TokenAuth, private_responses, require_write
from letters.api.coordinator import ERRORS, coordinated_letter, preview_row_out
from letters.api.throttles import TokenThrottle
from letters.forms.manage import MAX_PASTE_CHARS, letter_language_choices
from letters.services.imports import ImportRefused, build_preview, import_rows

router = Router(tags=["coordinator"], auth=TokenAuth(), throttle=[TokenThrottle()])
router.add_decorator(private_responses, mode="view")

PREVIEW_SALT = "letters.api.import-preview"
PREVIEW_MAX_AGE = 24 * 3600


def _language(letter, language):
    language = language or letter.default_language
    if language not in dict(letter_language_choices(letter)):
        raise HttpError(422, f"Unknown language “{language}” for this letter.")
    return language


@router.post("letters/{slug}/imports/preview", response={200: schemas.ImportPreviewOut, **ERRORS},
             operation_id="manage_import_preview", summary="Preview a pasted list")
def manage_import_preview(request, slug: str, payload: schemas.ImportPreviewIn):
    """How each line of the list would be read and matched to the directory, and the options for each; nothing
    is written. Commit with the returned `preview_token`."""
    require_write(request)
    letter = coordinated_letter(request, slug)
    if not payload.text.strip() or len(payload.text) > MAX_PASTE_CHARS:
        raise HttpError(422, f"Send the list as `text` (1 to {MAX_PASTE_CHARS:,} characters).")
    language = _language(letter, payload.language)
    preview = build_preview(letter, payload.text, language, payload.layout)
    token = signing.dumps({"letter": letter.pk, "user": request.user.pk, "text": payload.text, "language": language,
                           "layout": payload.layout, "rows": len(preview.rows)}, salt=PREVIEW_SALT, compress=True)
    return {"preview_token": token, "layout": preview.layout, "rows": [preview_row_out(row) for row in preview.rows],
            "unreadable_lines": [entry.raw for entry in preview.errors],
            "sections": [section.title for section in preview.sections],
            "counts": preview.counts}


def _previewed(request, letter, token):
    try:
        data = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        raise HttpError(422, "This preview is more than a day old: preview the list again.") from None
    except signing.BadSignature:
        raise HttpError(422, "This is not a preview token of this API.") from None
    if data["letter"] != letter.pk or data["user"] != request.user.pk:
        raise HttpError(422, "This preview token was made for another letter or user.")
    return data


@router.post("letters/{slug}/imports/commit", response={201: schemas.ImportResultOut, 409: schemas.SignOnConflictOut,
                                                        **ERRORS},
             operation_id="manage_import_commit", summary="Import a previewed list")
def manage_import_commit(request, slug: str, payload: schemas.ImportCommitIn):
    """Import the list of `preview_token`: every line with its default, or the choice given in `rows` (by the
    preview's row `index`). Imported sign-ons are approved, recorded as imported by the token's user. All or
    nothing: 409 with the reasons when a choice cannot be done (nothing written)."""
    require_write(request)
    letter = coordinated_letter(request, slug)
    data = _previewed(request, letter, payload.preview_token)
    preview = build_preview(letter, data["text"], data["language"], data["layout"])
    if len(preview.rows) != data["rows"]:
        return Status(409, {"detail": "The letter or the directory changed since the preview: preview the list again."})
    if preview.errors and not payload.skip_invalid:
        raise HttpError(422, "Some lines could not be read: correct them, or send skip_invalid=true.")
    if not preview.rows:
        raise HttpError(422, "There is nothing to import.")
    try:
        with transaction.atomic():
            result = import_rows(preview, by=request.user, **_choices(payload.rows, len(preview.rows)))
    except ImportRefused as refused:
        return Status(409, {"detail": "Nothing was imported.", "messages": [str(m) for m in refused.messages]})
    return Status(201, {
        "imported": [signature.pk for signature in [*result.signatures, *result.reinstated]],
        "created_organisations": len(result.created_organisations), "unchanged": len(result.unchanged),
        "reinstated": len(result.reinstated), "withdrawn_kept": len(result.withdrawn_kept),
        "sections_created": len(result.sections_created), "skipped": result.skipped})


def _choices(rows, row_count):
    """The keyword arguments of import_rows, as the paste screen builds them from its form (views.manage_import)."""
    bad = [row.index for row in rows if not 0 <= row.index < row_count]
    if bad:
        raise HttpError(422, f"No such row in the preview: {bad}.")
    return {
        "choices": {row.index: row.choice for row in rows if row.choice},
        "names": {row.index: row.name for row in rows if row.name.strip()},
        "others": {row.index: row.other for row in rows if row.other.strip()},
        "keep_pasted": {row.index for row in rows if row.keep_pasted},
        "parts": {row.index: "\n".join(row.parts) for row in rows if any(part.strip() for part in row.parts)},
    }
