from .directory import Contact, Organisation, OrganisationAlias, OrganisationName, Tag
from .letters import InvalidTransition, Letter, LetterEvent, LetterVersion, ListSnapshot
from .sections import Section
from .outreach import EmailSuppression, Invitation, MergeRecord, OutgoingEmail, Throttle
from .signatures import Signature, SignatureEvent

__all__ = [
    "Contact",
    "EmailSuppression",
    "InvalidTransition",
    "Invitation",
    "Letter",
    "LetterEvent",
    "LetterVersion",
    "ListSnapshot",
    "MergeRecord",
    "Organisation",
    "OrganisationAlias",
    "OrganisationName",
    "OutgoingEmail",
    "Section",
    "Signature",
    "SignatureEvent",
    "Tag",
    "Throttle",
]
