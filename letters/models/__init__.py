from .api import ApiToken
from .directory import Contact, Organisation, OrganisationAlias, OrganisationName, Tag
from .exports import ExportJob
from .history import OrganisationChange
from .letters import InvalidTransition, Letter, LetterEvent, LetterVersion, ListSnapshot
from .revisions import LetterVersionRevision
from .sections import Section
from .outreach import EmailSuppression, Invitation, MergeRecord, OutgoingEmail, Throttle
from .signatures import Signature, SignatureEvent, batched_list_changes, list_changed
from .sortkeys import SortKey

__all__ = [
    "ApiToken",
    "Contact",
    "EmailSuppression",
    "ExportJob",
    "InvalidTransition",
    "Invitation",
    "Letter",
    "LetterEvent",
    "LetterVersion",
    "LetterVersionRevision",
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
    "SortKey",
    "Tag",
    "Throttle",
    "batched_list_changes",
    "list_changed",
]
