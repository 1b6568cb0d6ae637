from .directory import Contact, Organisation, OrganisationAlias, OrganisationName, Tag
from .history import OrganisationChange
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
    "OrganisationChange",
    "OrganisationName",
    "OutgoingEmail",
    "Section",
    "Signature",
    "SignatureEvent",
    "Tag",
    "Throttle",
]
