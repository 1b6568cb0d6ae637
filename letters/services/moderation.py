"""Coordinator actions on sign-ons, one at a time or in bulk. Every action goes into the sign-on's history.

Status changes use the model's methods (Signature.approve/reject/withdraw), which know the allowed transitions;
other changes (lead mark, name on this letter, manual order) are recorded with Signature.record.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from letters.models import InvalidTransition, Letter, Signature
from letters.models.signatures import batched_list_changes, list_changed

STATUS_ACTIONS = {
    "approve": Signature.Status.APPROVED,
    "reject": Signature.Status.REJECTED,
    "withdraw": Signature.Status.WITHDRAWN,
}
ACTIONS = (*STATUS_ACTIONS, "lead", "unlead")


@dataclass
class Outcome:
    done: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # [(signature, why)]


def apply(signature, action, by, reason=""):
    """Do one action on one sign-on. Raises InvalidTransition when the status cannot change that way."""
    if action in STATUS_ACTIONS:
        signature.transition(STATUS_ACTIONS[action], by=by, reason=reason)
    elif action in ("lead", "unlead"):
        wanted = action == "lead"
        if signature.is_lead == wanted:
            return False
        signature.is_lead = wanted
        signature.save(update_fields=["is_lead", "updated_at"])
        signature.record("marked lead" if wanted else "unmarked lead", by=by, reason=reason)
    else:
        raise ValueError(f"unknown action {action!r}")
    return True


def apply_many(letter, signatures, action, by, reason=""):
    """Apply `action` to each sign-on that allows it; the others are reported, not changed. One transaction."""
    outcome = Outcome()
    with batched_list_changes():  # one transaction; the letter's counts recounted once, at the end
        locked = Signature.objects.select_for_update().filter(letter=letter, pk__in=[s.pk for s in signatures])
        for signature in locked.select_related("organisation", "letter").order_by("position", "pk"):
            try:
                if apply(signature, action, by, reason):
                    outcome.done.append(signature)
                else:
                    outcome.refused.append((signature, _("nothing to change")))
            except InvalidTransition as error:
                outcome.refused.append((signature, str(error)))
    return outcome


def rename(signature, name, by):
    """Set the name this letter shows for the organisation ("" = the directory's name in each language)."""
    old = signature.display_name()
    signature.name_override = name
    signature.save(update_fields=["name_override", "updated_at"])
    new = signature.display_name()
    if old != new:
        signature.record("renamed", by=by, reason=_("“%(old)s” → “%(new)s”") % {"old": old, "new": new})
    return old != new


def manual_order(letter):
    """The letter's sign-ons in manual order: positioned ones first, then the rest in order of arrival."""
    return letter.signatures.order_by(F("position").asc(nulls_last=True), "created_at", "pk")


def move(signature, position=None, direction=None, by=None):
    """Move a sign-on in the manual order (to `position`, or one step "up"/"down"). Renumbers 1..N.

    Web sign-ons arrive without a position; the first move gives every sign-on of the letter one, so the order
    the coordinator sees is the order that is stored.
    """
    with transaction.atomic():
        Letter.objects.select_for_update().filter(pk=signature.letter_id).first()
        ids = list(manual_order(signature.letter).values_list("pk", flat=True))
        old = ids.index(signature.pk)
        if direction == "up":
            new = max(0, old - 1)
        elif direction == "down":
            new = min(len(ids) - 1, old + 1)
        else:
            new = min(max(1, position or 1), len(ids)) - 1
        if new == old:
            return False
        ids.insert(new, ids.pop(old))
        rows = Signature.objects.in_bulk(ids)
        changed = []
        for number, pk in enumerate(ids, start=1):
            if rows[pk].position != number:
                rows[pk].position = number
                changed.append(rows[pk])
        Signature.objects.bulk_update(changed, ["position"], batch_size=500)
        list_changed(signature.letter_id)  # the manual order is the order of a published list
        signature.position = new + 1
        reason = _("from position %(old)s to %(new)s") % {"old": old + 1, "new": new + 1}
        signature.record("moved", by=by, reason=reason)
        return True
