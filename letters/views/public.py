"""Public pages for partner NGOs: read a letter in their language, sign on, confirm, withdraw or correct."""

import hashlib
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalition.middleware import client_ip as address_of
from letters.forms.public import ListingForm, SignOnForm, browser_binding
from letters.markdown import render_markdown
from letters.models import Letter, LetterVersion, Organisation, Signature
from letters.services import signon
from letters.exports import SignatoryList


def get_letter_for_public(slug, with_versions=True):
    """The access helper for the public: any letter but drafts (404, so drafts cannot be probed)."""
    queryset = Letter.objects.public().prefetch_related("versions") if with_versions else Letter.objects.public()
    return get_object_or_404(queryset, slug=slug)


def home(request):
    language = get_language()
    letters = [(letter, letter.version(language)) for letter in Letter.objects.public().prefetch_related("versions")]
    return render(request, "letters/public/home.html", {"letters": letters})


def letter_detail(request, slug):
    """The letter in the page's language, with the sign-on form while it is open. POST signs on."""
    if request.method == "POST":
        # A successful sign-on never shows the text: its language versions are only read if the form comes back.
        return _sign(request, get_letter_for_public(slug, with_versions=False))
    stamp = page_stamp(slug)
    letter = cached_letter(slug, stamp)
    form = None
    if letter.is_open:
        invitation = signon.invitation_for(request, letter)
        form = SignOnForm(
            letter=letter, initial=signon.initial_from_invitation(invitation), binding=browser_binding(request)
        )
    return _letter_page(request, letter, form, stamp)


def _sign(request, letter):
    if not letter.is_open:
        messages.info(request, _("Sign-on for this letter is closed."))
        return redirect("public:letter", slug=letter.slug)
    form = SignOnForm(request.POST, letter=letter, binding=browser_binding(request))
    if form.looks_automated():
        return redirect("public:thanks", slug=letter.slug)
    if not form.is_valid():
        return _letter_page(request, letter, form)
    # Only complete sign-ons count against the limits: correcting a form error is not abuse.
    if not (signon.allow_ip(client_ip(request)) and signon.allow_email(form.cleaned_data["signer_email"])):
        return _too_many(request, letter)
    invitation = signon.invitation_for(request, letter)
    try:
        signon.sign_on(letter, form.cleaned_data, get_language(), invitation=invitation)
    except signon.SignOnClosed:
        messages.info(request, _("Sign-on for this letter is closed."))
        return redirect("public:letter", slug=letter.slug)
    # The same page whether this organisation signed before or not: the reply must not reveal who has signed.
    return redirect("public:thanks", slug=letter.slug)


def _letter_page(request, letter, form, stamp=None):
    prefetch_related_objects([letter], "versions")
    language = get_language()
    version = letter.version(_version_language(request, letter, language))
    show_list = letter.list_public_while_open or letter.status != Letter.Status.OPEN
    counts, signatory_list = signatories_for_page(letter, language, show_list, stamp or page_stamp(letter.slug))
    context = {
        "letter": letter,
        "version": version,
        "version_bidi": bool(version and _language_info(version.language).get("bidi")),
        "body": render_markdown(version.body if version else ""),
        "switcher": _switcher(request, letter, version, with_versions=True),
        "counts": counts,
        "signatory_list": signatory_list,
        "form": form,
        "started": form.timer_token() if form else None,
    }
    return render(request, "letters/public/letter.html", context)


def _version_language(request, letter, language):
    """Versions in languages the interface does not have (Arabic, Chinese…) are chosen with ?version=ar."""
    wanted = request.GET.get("version", "")
    return wanted if wanted in letter.languages() else language


def _language_info(code):
    try:
        return get_language_info(code)
    except KeyError:
        return {"name_local": code, "bidi": False}


def _switcher(request, letter, version, with_versions=False):
    """[(code, local name, url, is_current)] for the languages this letter has, and only those.

    Interface languages switch the URL prefix (/fr/…); other versions (Arabic, Chinese…) are shown on the letter
    page with ?version=ar and the interface stays in the current language.
    """
    interface = dict(settings.LANGUAGES)
    current = version.language if version else get_language()
    entries = []
    for code in letter.languages():
        if code in interface:
            url = _translated_path(request.path, code)
        elif with_versions:
            url = f"{request.path}?version={code}"
        else:
            continue
        entries.append((code, _language_info(code)["name_local"], url, code == current))
    return entries


@lru_cache(maxsize=4096)
def _translated_path(path, language):
    return translate_url(path, language)


def signatory_counts(letter):
    """How many have signed (approved), in one query: organisations, individuals, and those not named."""
    approved = Q(status=Signature.Status.APPROVED)
    return letter.signatures.aggregate(
        organisations=Count("pk", filter=approved & Q(organisation__kind=Organisation.Kind.ORGANISATION)),
        individuals=Count("pk", filter=approved & Q(organisation__kind=Organisation.Kind.INDIVIDUAL)),
        unnamed=Count("pk", filter=approved & Q(consent_public=False)),
    )


# --- caching the letter page ---------------------------------------------------------------------------------------
# The page is read far more often than the letter or its list change, and building it costs a row per signatory
# and several ORM queries. So the page starts with one small query (page_stamp) that says when the letter, its
# versions, its sign-ons and their organisations last changed; the letter (with its versions), the counts and
# the rendered list are cached under that stamp. Any save — a sign-on approved or withdrawn, a version edited,
# the letter closed — changes the stamp, so the next visitor sees it. Edits that save none of these rows (a
# per-language display name, a bulk .update()) show up within PAGE_CACHE_SECONDS.
PAGE_CACHE_SECONDS = 30

_STAMP_SQL = """
    SELECT l.id, l.updated_at,
        (SELECT MAX(v.updated_at) FROM {version} v WHERE v.letter_id = l.id),
        (SELECT COUNT(*) FROM {signature} s WHERE s.letter_id = l.id),
        (SELECT MAX(s.updated_at) FROM {signature} s WHERE s.letter_id = l.id),
        (SELECT MAX(o.updated_at) FROM {signature} s JOIN {organisation} o ON o.id = s.organisation_id
            WHERE s.letter_id = l.id)
    FROM {letter} l WHERE l.slug = %s AND l.status <> %s
"""


def page_stamp(slug):
    """(letter id, then when the letter, versions, sign-ons and their organisations last changed). 404 for drafts.

    Plain SQL because this runs on every page view: the same query through the ORM costs ten times as much CPU.
    """
    sql = _STAMP_SQL.format(
        letter=Letter._meta.db_table, version=LetterVersion._meta.db_table,
        signature=Signature._meta.db_table, organisation=Organisation._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, Letter.Status.DRAFT])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return tuple(str(value) for value in row)


def _cache_key(kind, *parts):
    return f"public-{kind}:" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def cached_letter(slug, stamp):
    """The public letter with its versions, as of `stamp`."""
    key = _cache_key("letter", slug, *stamp[:3])
    letter = cache.get(key)
    if letter is None:
        letter = get_letter_for_public(slug)
        cache.set(key, letter, PAGE_CACHE_SECONDS)
    return letter


def signatories_for_page(letter, language, show_list, stamp):
    """(counts, the rendered letters/public/_signatory_list.html or None), fed by public_signatory_list()."""
    key = _cache_key("signatories", language, show_list, stamp[0], stamp[1], *stamp[3:])
    cached = cache.get(key)
    if cached is None:
        html = None
        if show_list:
            context = {"signatories": public_signatory_list(letter, language)}
            html = render_to_string("letters/public/_signatory_list.html", context)
        cached = (signatory_counts(letter), html)
        cache.set(key, cached, PAGE_CACHE_SECONDS)
    counts, html = cached
    return counts, (None if html is None else mark_safe(html))  # noqa: S308 - the template escaped every name


def public_signatory_list(letter, language):
    """The public list in `language` through the one export path (letters/exports.py): the letter's sections (or
    organisations, then individuals) in locale-aware alphabetical order — the finalised snapshot once the letter
    is finalised — and how many cannot be named. Never with contact columns. Rendered by
    letters/public/_signatory_list.html as blocks: {"heading": …}, {"names": […]}, {"unnamed": …}."""
    from letters.documents import list_blocks

    signatories = SignatoryList(letter, language, "alphabetical", affiliation_style="comma")
    blocks = list_blocks(signatories, "lines")
    lists = [block for block in blocks if "names" in block]
    for number, block in enumerate(lists):
        block["id"] = "signatory-list" if number == 0 else f"signatory-list-{number + 1}"
    return {"blocks": blocks, "unnamed": signatories.unnamed}


def thanks(request, slug):
    letter = get_letter_for_public(slug)
    return render(request, "letters/public/thanks.html", _page_context(request, letter))


def confirm(request, slug, token):
    """GET shows a Confirm button; only the POST confirms, because mail scanners open (GET) every link."""
    letter = get_letter_for_public(slug)
    signature, refusal = _from_link(request, letter, token, signon.CONFIRM)
    if refusal:
        return refusal
    if request.method == "POST":
        signon.confirm(signature)
        return redirect(request.path)
    context = {**_link_context(request, letter, signature, token), "manage_token": signon.make_token(signature, signon.MANAGE)}
    return render(request, "letters/public/confirm.html", context)


def manage(request, slug, token):
    """The signer's own page: correct how they are listed on this letter, or withdraw, while it is open."""
    letter = get_letter_for_public(slug)
    signature, refusal = _from_link(request, letter, token, signon.MANAGE)
    if refusal:
        return refusal
    form = ListingForm(initial={"name": signature.display_name(signature.language)})
    if request.method == "POST" and letter.is_open and signature.status in Signature.SIGNED_STATUSES:
        form = ListingForm(request.POST)
        if form.is_valid():
            if signon.correct_listing(signature, form.cleaned_data["name"]):
                messages.success(request, _("Thank you, your listing is corrected."))
            return redirect(request.path)
    context = {**_link_context(request, letter, signature, token), "form": form}
    return render(request, "letters/public/manage.html", context)


@require_POST
def withdraw(request, slug, token):
    letter = get_letter_for_public(slug)
    signature, refusal = _from_link(request, letter, token, signon.MANAGE)
    if refusal:
        return refusal
    if letter.is_open and signon.withdraw(signature):
        messages.success(request, _("Your sign-on is withdrawn. It no longer appears on the letter."))
    return redirect("public:manage", slug=slug, token=token)


def _from_link(request, letter, token, purpose):
    """(signature, None) for a valid link; (None, a page explaining why not) for an expired or tampered one."""
    try:
        return signon.signature_from_token(token, purpose, letter), None
    except signon.LinkExpired:
        reason, status = "expired", 410
    except signon.LinkInvalid:
        reason, status = "invalid", 400
    context = {**_page_context(request, letter), "reason": reason}
    return None, render(request, "letters/public/link_refused.html", context, status=status)


def _page_context(request, letter):
    prefetch_related_objects([letter], "versions")
    version = letter.version(get_language())
    return {"letter": letter, "version": version, "switcher": _switcher(request, letter, version)}


def _link_context(request, letter, signature, token):
    return {
        **_page_context(request, letter),
        "signature": signature,
        "name": signature.display_name(signature.language),
        "token": token,
    }


def _too_many(request, letter):
    return render(request, "letters/public/too_many.html", _page_context(request, letter), status=429)


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or X-Forwarded-For read only as far as our own proxies wrote it
    (TRUSTED_PROXY_HOPS / TRUSTED_PROXIES, see coalition.middleware.client_ip)."""
    return address_of(request)
