"""Signal receivers of the outreach area. Imported from LettersConfig.ready() so they are connected once."""

import logging

from django.dispatch import receiver

from letters.services.reminders import notify_coordinators
from letters.signals import signature_submitted

logger = logging.getLogger(__name__)


@receiver(signature_submitted, dispatch_uid="letters.receivers.notify_coordinators")
def notify_coordinators_of_sign_on(sender, signature, **kwargs):
    """Queue the coordinators' "new sign-on" emails for letters that want one per sign-on.

    A failure here must never turn the signer's successful sign-on into an error page, so it is only logged.
    """
    try:
        notify_coordinators(signature)
    except Exception:  # noqa: BLE001
        logger.exception("could not queue the new sign-on notification for signature %s", signature.pk)
