"""The API's request and response shapes (pydantic, through ninja): they are the OpenAPI schema."""

from datetime import datetime
from typing import Literal, Optional

from ninja import Schema


class Error(Schema):
    detail: str


# --- public ---------------------------------------------------------------------------------------------------------


class CountOut(Schema):
    slug: str
    status: str
    is_open: bool
    organisations: int
    individuals: int
    unnamed: int
    total: int
    list_revision: int


class VersionOut(Schema):
    language: str
    title: str
    addressee: str
    date_line: str
    body: str
    closing: str
    url: str


class LetterSummaryOut(Schema):
    slug: str
    title: str
    status: str
    is_open: bool
    deadline: Optional[datetime]
    default_language: str
    languages: list[str]
    url: str


class LetterOut(LetterSummaryOut):
    counts: CountOut
    list_public: bool
    versions: list[VersionOut]


class EntryOut(Schema):
    kind: Literal["heading", "name", "unnamed", "addendum"]
    text: str


class SignatoriesOut(Schema):
    slug: str
    language: str
    list_revision: int
    names: int
    total_entries: int
    offset: int
    entries: list[EntryOut]


class ValidationErrorOut(Schema):
    detail: str
    errors: list[dict] = []


# --- coordinator ----------------------------------------------------------------------------------------------------


class ManagedLetterOut(Schema):
    slug: str
    title: str  # the coordinators' internal title
    status: str
    is_open: bool
    confidential: bool
    deadline: Optional[datetime]
    default_language: str
    languages: list[str]
    requires_approval: bool
    counts: CountOut


class OrganisationOut(Schema):
    id: int
    name: str
    acronym: str
    country: str
    kind: str


class SignatureOut(Schema):
    id: int
    name: str  # as this letter shows it, in the sign-on's language
    organisation: OrganisationOut
    status: str
    signer_name: str
    signer_email: str
    language: str
    listed_publicly: bool  # False: counted as "cannot be named", named only to coordinators
    is_lead: bool
    source: str
    section: Optional[int]
    message: str
    flags: list[str]
    signed_at: Optional[datetime]
    confirmed_at: Optional[datetime]
    approved_at: Optional[datetime]
    created_at: datetime


class StatusIn(Schema):
    action: Literal["approve", "reject", "withdraw", "lead", "unlead"]
    reason: str = ""


class SignOnIn(Schema):
    """One sign-on received by email, as on the workspace's "Add a sign-on" page: added and approved."""

    name: str
    country: str = ""
    signer_name: str = ""
    signer_email: str = ""
    language: str = ""
    is_lead: bool = False
    consent_public: bool = True
    note: str = ""
    choice: str = ""  # when the name is close to directory names: one of the options the 409 answer lists


class OptionOut(Schema):
    value: str
    label: str


class PreviewRowOut(Schema):
    index: int
    line: int
    name: str
    country: str
    kind: str
    how: str  # exact | alias | acronym | country | fuzzy | new | two | several
    canonical: str  # the directory name it would be listed under instead, or ""
    default: str
    flagged: bool
    already_on_letter: Optional[str]  # the status of this organisation's sign-on on the letter, if any
    duplicate_of_line: Optional[int]
    options: list[OptionOut]


class SignOnConflictOut(Schema):
    detail: str
    messages: list[str] = []
    row: Optional[PreviewRowOut] = None


class ImportPreviewIn(Schema):
    text: str
    language: str = ""
    layout: Literal["auto", "lines", "numbered", "name-country", "inline"] = "auto"


class ImportPreviewOut(Schema):
    preview_token: str  # send it back to commit: it carries the list, signed, for a day
    layout: str
    rows: list[PreviewRowOut]
    unreadable_lines: list[str]
    sections: list[str]
    counts: dict[str, int]


class RowChoiceIn(Schema):
    index: int
    choice: str = ""  # one of the row's options; empty: its default
    name: str = ""  # an edited name for a new organisation
    other: str = ""  # a directory organisation typed by hand: "#123" or its exact name
    keep_pasted: bool = False
    parts: list[str] = []  # the edited names of a run-on line (choice "parts")


class ImportCommitIn(Schema):
    preview_token: str
    rows: list[RowChoiceIn] = []
    skip_invalid: bool = False


class ImportResultOut(Schema):
    imported: list[int]  # ids of the sign-ons added or approved
    created_organisations: int
    unchanged: int
    reinstated: int
    withdrawn_kept: int
    sections_created: int
    skipped: int


class InvitationOut(Schema):
    id: int
    organisation: OrganisationOut
    contact_name: str
    contact_email: str
    invited_at: datetime
    opened_at: Optional[datetime]
    answer: str  # signed | declined | withdrawn | no_answer


class RegionOut(Schema):
    code: str
    label: str
    counts: dict[str, int]


class CampaignOut(Schema):
    totals: dict[str, int]  # invited, opened, signed, declined, no_answer, withdrawn
    regions: list[RegionOut]
    signed_uninvited: int
    outbox: dict[str, int]


class ExportIn(Schema):
    language: str = ""
    layout: str = "lines"
    order: Literal["alphabetical", "signed", "manual"] = "alphabetical"
    source: Literal["auto", "addendum", "live"] = "auto"
    leads_first: bool = False
    group_individuals: bool = True
    numbering: Literal["", "continuous", "section"] = ""
    numbers: bool = False
    affiliation_style: Literal["paren", "comma", "slash", "tab"] = "paren"
    document_list: str = "lines"
    contacts: bool = False  # signers' names and emails (CSV, XLSX, JSON): never for publication


class ExportJobOut(Schema):
    id: int
    status: str  # queued | running | done | failed
    language: str
    layout: str
    progress: int
    total: int
    error: str
    created_at: datetime
    finished_at: Optional[datetime]
    status_url: str
    download_url: Optional[str]


class SignaturePageOut(Schema):
    count: int  # sign-ons matching the filters, on every page
    page: int
    pages: int
    items: list[SignatureOut]


class InvitationPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[InvitationOut]
