"""Coordinator endpoints (token): the letters the token's user coordinates and their sign-ons.

Every letter is looked up through letters.access.get_letter_for_coordinator (404 for a letter the user does not
coordinate: nobody can probe which letters exist), every write goes through the services the workspace uses
(moderation.apply for status changes, imports.preview_one + import_rows for an added sign-on), so the history
(SignatureEvent) is the same whether a coordinator clicked or a script called.
"""

import math
from typing import Literal, Optional

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from letters.access import get_letter_for_coordinator, get_signature_for_coordinator
from letters.api import schemas
from letters.api.auth import TokenAuth, private_responses, require_write
from letters.api.public import count_body
from letters.api.throttles import TokenThrottle
from letters.forms.manage import AddSignatureForm, ReasonForm
from letters.models import InvalidTransition, Letter, Signature
from letters.services import moderation
from letters.services.imports import ImportRefused, import_rows, preview_one
from letters.views.manage_signatures import FLAGS, SORTS, filter_signatures

router = Router(tags=["coordinator"], auth=TokenAuth(), throttle=[TokenThrottle()])
router.add_decorator(private_responses, mode="view")

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# The answers every coordinator endpoint may give besides its own: documented once, used by each decorator.
ERRORS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error, 422: schemas.ValidationErrorOut,
          429: schemas.Error}


def coordinated_letter(request, slug, queryset=None):
    return get_letter_for_coordinator(request, slug, queryset if queryset is not None else
                                      Letter.objects.prefetch_related("versions"))


def form_errors(form):
    """A Django form's errors as one readable message (the 422 answer's detail)."""
    return "; ".join(f"{name}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
                     for name, errors in form.errors.items())


def paginate(queryset, page, page_size):
    count = queryset.count()
    pages = max(1, math.ceil(count / page_size))
    start = (page - 1) * page_size
    return {"count": count, "page": page, "pages": pages}, queryset[start:start + page_size]


def counts_of(letter):
    return count_body(letter.slug, letter.status, letter.is_open, letter.list_revision, letter.count_organisations,
                       letter.count_individuals, letter.count_unnamed)


def organisation_out(organisation):
    return {"id": organisation.pk, "name": organisation.name, "acronym": organisation.acronym,
            "country": str(organisation.country or ""), "kind": organisation.kind}


def signature_out(signature):
    flags = [name for name, on in (("new", signature.flag_new_organisation),
                                   ("duplicate", signature.flag_near_duplicate),
                                   ("domain", signature.flag_domain_mismatch)) if on]
    return {
        "id": signature.pk, "name": signature.display_name(), "organisation": organisation_out(signature.organisation),
        "status": signature.status, "signer_name": signature.signer_name, "signer_email": signature.signer_email,
        "language": signature.language, "listed_publicly": signature.consent_public, "is_lead": signature.is_lead,
        "source": signature.source, "section": signature.section_id, "message": signature.message, "flags": flags,
        "signed_at": signature.signed_at, "confirmed_at": signature.confirmed_at,
        "approved_at": signature.approved_at, "created_at": signature.created_at,
    }


def signatures_of(letter):
    return letter.signatures.select_related("organisation").prefetch_related("organisation__display_names")


@router.get("letters/", response={200: list[schemas.ManagedLetterOut], **ERRORS}, operation_id="manage_letter_list",
            summary="The letters I coordinate")
def manage_letter_list(request):
    """Every letter the token's user coordinates (all of them for those who coordinate every letter), drafts and
    confidential ones included."""
    letters = Letter.objects.coordinated_by(request.user).prefetch_related("versions")
    return [{"slug": letter.slug, "title": letter.title, "status": letter.status, "is_open": letter.is_open,
             "confidential": letter.confidential, "deadline": letter.deadline,
             "default_language": letter.default_language, "languages": letter.languages(),
             "requires_approval": letter.requires_approval, "counts": counts_of(letter)} for letter in letters]


@router.get("letters/{slug}/signatures", response={200: schemas.SignaturePageOut, **ERRORS},
            operation_id="manage_signature_list", summary="A letter's sign-ons, filtered")
def manage_signature_list(request, slug: str, status: Optional[Signature.Status] = None, q: str = "",
                          language: str = "", flag: Optional[Literal[tuple(FLAGS)]] = None,
                          sort: Literal[tuple(SORTS)] = "position", page: int = Query(1, ge=1),
                          page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)):
    """The sign-ons of a letter, as the dashboard filters them (`q` searches names and emails), with the signers'
    names and emails (the caller coordinates this letter), `page_size` a page."""
    letter = coordinated_letter(request, slug, Letter.objects.all())
    data = {"status": status, "q": q[:200], "language": language, "flag": flag, "sort": sort}
    info, rows = paginate(filter_signatures(signatures_of(letter), data), page, page_size)
    return {**info, "items": [signature_out(signature) for signature in rows]}


@router.post("letters/{slug}/signatures/{signature_id}/status",
             response={200: schemas.SignatureOut, 409: schemas.Error, **ERRORS},
             operation_id="manage_signature_status", summary="Approve, reject, withdraw or mark a sign-on")
def manage_signature_status(request, slug: str, signature_id: int, payload: schemas.StatusIn):
    """The dashboard's actions on one sign-on, with a reason kept in its history (required to reject). 409 when
    the status cannot change that way (e.g. approving a declined sign-on)."""
    require_write(request)
    letter = coordinated_letter(request, slug, Letter.objects.all())
    signature = get_signature_for_coordinator(request, letter, signature_id)
    form = ReasonForm({"reason": payload.reason}, required=payload.action == "reject")
    if not form.is_valid():
        raise HttpError(422, _("Say why this sign-on is rejected.") if not payload.reason else form_errors(form))
    try:
        moderation.apply(signature, payload.action, request.user, form.cleaned_data["reason"])
    except InvalidTransition as error:
        return Status(409, {"detail": str(error)})
    return Status(200, signature_out(signatures_of(letter).get(pk=signature.pk)))


@router.post("letters/{slug}/signatures", response={201: schemas.SignatureOut, 409: schemas.SignOnConflictOut,
                                                    **ERRORS},
             operation_id="manage_signature_add", summary="Add a sign-on received by email")
def manage_signature_add(request, slug: str, payload: schemas.SignOnIn):
    """As the workspace's "Add a sign-on": matched to the directory, added and approved, recorded as added by the
    token's user. A name close to directory names is not guessed: 409 lists the options; send again with
    `choice` set to one of them (or "new"). 409 too when the organisation is already on the letter."""
    require_write(request)
    letter = coordinated_letter(request, slug)
    form = AddSignatureForm({**payload.dict(), "language": payload.language or letter.default_language},
                            letter=letter)
    if not form.is_valid():
        raise HttpError(422, form_errors(form))
    data = form.cleaned_data
    preview = preview_one(letter, data["name"], data["country"], data["signer_email"], data["language"])
    row = preview.rows[0]
    if row.flagged and not data["choice"]:
        return Status(409, {"detail": "This name is close to organisations in the directory: choose one.",
                            "row": preview_row_out(row)})
    try:
        result = import_rows(
            preview, choices={0: data["choice"]} if data["choice"] else {}, by=request.user,
            source=Signature.Source.COORDINATOR, reason=data["note"] or _("Received by email"),
            refuse_existing=True, fields={"signer_name": data["signer_name"], "signer_email": data["signer_email"],
                                          "is_lead": data["is_lead"], "consent_public": data["consent_public"]})
    except ImportRefused as refused:
        return Status(409, {"detail": "Not added.", "messages": [str(message) for message in refused.messages]})
    if not result.signatures:  # the choice was "skip"
        return Status(409, {"detail": "Nothing was added (the choice skips this name)."})
    return Status(201, signature_out(signatures_of(letter).get(pk=result.signatures[0].pk)))


def preview_row_out(row):
    return {"index": row.index, "line": row.entry.line_no, "name": row.entry.name, "country": str(row.country or ""),
            "kind": row.kind, "how": row.how, "canonical": row.canonical, "default": row.default,
            "flagged": row.flagged, "already_on_letter": row.existing.status if row.existing is not None else None,
            "duplicate_of_line": row.duplicate_of,
            "options": [{"value": value, "label": str(label)} for value, label in row.options()]}
