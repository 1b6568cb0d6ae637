"""Domain signals, so that areas stay decoupled (e.g. coordinator notifications listen to new sign-ons)."""

from django.dispatch import Signal

# Sent (after the transaction commits) when a signer submits the public form and a signature row was
# created or re-submitted. kwargs: signature.
signature_submitted = Signal()
# Sent after a signer confirms their email. kwargs: signature.
signature_confirmed = Signal()
