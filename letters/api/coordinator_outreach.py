"""The campaign, read-only: who was invited to a letter and how they answered (letters.services.campaign)."""

from ninja import Query, Router

from letters.api import schemas
from letters.api.auth import TokenAuth, private_responses
from letters.api.coordinator import ERRORS, MAX_PAGE_SIZE, PAGE_SIZE, coordinated_letter, organisation_out, paginate
from letters.api.throttles import TokenThrottle
from letters.models import Invitation, Letter
from letters.services import campaign as figures

router = Router(tags=["coordinator"], auth=TokenAuth(), throttle=[TokenThrottle()])
router.add_decorator(private_responses, mode="view")


@router.get("letters/{slug}/invitations", response={200: schemas.InvitationPageOut, **ERRORS},
            operation_id="manage_invitation_list", summary="Who was invited, and their answer")
def manage_invitation_list(request, slug: str, page: int = Query(1, ge=1),
                           page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)):
    """Every invitation to the letter (oldest first): the organisation, the contact invited (name and email: the
    caller coordinates this letter), when it was sent and opened, and the organisation's answer so far."""
    letter = coordinated_letter(request, slug, Letter.objects.all())
    invitations = (Invitation.objects.filter(letter=letter).select_related("organisation", "contact")
                   .order_by("created_at", "pk"))
    info, rows = paginate(invitations, page, page_size)
    rows = list(rows)
    statuses = dict(letter.signatures.filter(organisation__in=[row.organisation_id for row in rows])
                    .values_list("organisation_id", "status"))
    return {**info, "items": [{
        "id": invitation.pk, "organisation": organisation_out(invitation.organisation),
        "contact_name": invitation.contact.name, "contact_email": invitation.contact.email,
        "invited_at": invitation.created_at, "opened_at": invitation.opened_at,
        "answer": figures._outcome(statuses.get(invitation.organisation_id, figures.INVITED)),
    } for invitation in rows]}


@router.get("letters/{slug}/campaign", response={200: schemas.CampaignOut, **ERRORS},
            operation_id="manage_campaign", summary="Campaign figures")
def manage_campaign(request, slug: str):
    """The campaign page's figures: invited, opened, signed, declined, no answer, withdrawn (overall and per
    region), sign-ons from organisations never invited, and the letter's outbox (queued, sent, failed, not sent)."""
    letter = coordinated_letter(request, slug, Letter.objects.all())
    campaign = figures.campaign(letter)
    keys = tuple(dict.fromkeys((*figures.STAGES, *figures.OUTCOMES)))
    return {"totals": {key: campaign.totals.get(key, 0) for key in keys},
            "regions": [{"code": region.code, "label": str(region.label),
                         "counts": {key: region.counts.get(key, 0) for key in keys}} for region in campaign.regions],
            "signed_uninvited": campaign.signed_uninvited,
            "outbox": {key: value or 0 for key, value in figures.outbox(letter).items()}}
