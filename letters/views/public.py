"""Public pages for partner NGOs: read a letter in their language, sign on, confirm, withdraw or correct."""

import re
import time
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import Count, Max, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalition.middleware import client_ip as address_of
from letters.forms.public import ListingForm, NameChoiceForm, SignOnForm, browser_binding, fill_timer_token
from letters.markdown import render_markdown
from letters.models import Letter, Signature
from letters.models.letters import version_language
from letters.access import reader_may_see
from letters.services import confidential, signon


from letters.views.public_cache import (
    PAGE_CACHE_SECONDS, cache_key, cached_letter, markup_release, page_stamp, readable_letters, signatories_for_page,
    stamp_confidential,
)
def get_letter_for_public(request, slug, with_versions=True, signer_link=False):
    """The access helper for the public: any letter but drafts, and a confidential one only for those who may
    read it (letters.access.reader_may_see). 404 otherwise, so that neither can be probed. `signer_link`: the
    view checks a signer's own signed link instead (see _from_link)."""
    letter = get_object_or_404(readable_letters(with_versions), slug=slug)
    if not (signer_link or reader_may_see(request, letter) or _signer_link_in_address(request, letter)):
        raise Http404
    return letter


def _signer_link_in_address(request, letter):
    """?signer=<the signer's own token>: the "text changed" email's link to the changes of a confidential letter."""
    try:
        signon.signature_from_token(request.GET.get("signer", ""), signon.MANAGE, letter)
    except (signon.LinkExpired, signon.LinkInvalid):
        return False
    confidential.grant_signer(request, letter)
    return True


def _open_shared_link(request, slug):
    """/letters/<slug>/?key=…: a confidential letter's shared link. The browser is let in (session) and sent on
    to the address without the key, so that the key is not left in the address bar, history or Referer."""
    letter = get_object_or_404(Letter.objects.readable(), slug=slug)
    if not confidential.grant(request, letter, request.GET["key"]):
        raise Http404
    version = request.GET.get("version", "")
    return redirect(request.path + (f"?version={version}" if version and _VERSION_PARAM.fullmatch(version) else ""))


def home(request):
    language = get_language()
    letters = [(letter, letter.version(language)) for letter in Letter.objects.public().prefetch_related("versions")]
    return render(request, "letters/public/home.html", {"letters": letters})


def letter_detail(request, slug):
    """The letter in the page's language, with the sign-on form while it is open. POST signs on."""
    if request.method == "POST":
        # A successful sign-on never shows the text: its language versions are only read if the form comes back.
        return _sign(request, get_letter_for_public(request, slug, with_versions=False))
    if "key" in request.GET:
        return _open_shared_link(request, slug)
    stamp = page_stamp(slug, confidential=True)
    page_key = _page_key(request, stamp)
    if stamp_confidential(stamp):
        page_key = None  # each reader is checked: a confidential page is never cached or served from the cache
        if not reader_may_see(request, cached_letter(slug, stamp)):
            raise Http404
    if page_key is not None:
        response = _cached_page(request, page_key)
        if response is not None:
            return response
    letter = cached_letter(slug, stamp)
    form = None
    if letter.is_open:
        invitation = signon.invitation_for(request, letter)
        form = SignOnForm(
            letter=letter, initial=signon.initial_from_invitation(invitation), binding=browser_binding(request)
        )
        if invitation is not None:
            page_key = None  # the form is filled in for this visitor
    return _letter_page(request, letter, form, stamp, page_key=page_key)


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
    if not signon.allow(client_ip(request), form.cleaned_data["signer_email"]):
        return _too_many(request, letter)
    invitation = signon.invitation_for(request, letter)
    try:
        signon.sign_on(letter, form.cleaned_data, get_language(), invitation=invitation)
    except signon.SignOnClosed:
        messages.info(request, _("Sign-on for this letter is closed."))
        return redirect("public:letter", slug=letter.slug)
    # The same page whether this organisation signed before or not: the reply must not reveal who has signed.
    return redirect("public:thanks", slug=letter.slug)


def _letter_page(request, letter, form, stamp=None, page_key=None):
    prefetch_related_objects([letter], "versions")
    language = get_language()
    version = letter.version(chosen_version_language(request, letter, language))
    show_list = letter.list_public_while_open or letter.status != Letter.Status.OPEN
    counts, signatory_list, listed_names, names_shown = signatories_for_page(
        letter, language, show_list, stamp or page_stamp(letter.slug, confidential=True))
    context = {
        "letter": letter,
        "version": version,
        "version_bidi": bool(version and version.is_rtl),
        # The page's language has no version and the reader did not choose one: say why the text is in another.
        "version_missing": bool(version and version.language != version_language(language)
                                and not request.GET.get("version")),
        "body": render_markdown(version.body if version else ""),
        "text_history": _text_history(version),
        "versions": _versions(request, letter, version),
        "counts": counts,
        "signatory_list": signatory_list,
        "listed_names": listed_names,
        "names_shown": names_shown,
        "form": form,
        "started": form.timer_token() if form else None,
    }
    if page_key is not None and not (form is not None and (form.is_bound or form.initial or letter.offer_sections)):
        return _render_page_for_cache(request, letter, form, context, page_key)
    return render(request, "letters/public/letter.html", context)


def _text_history(version):
    """{"count", "last"}: how many revisions the version's text has and when it last changed (one query)."""
    if version is None:
        return None
    if hasattr(version, "revision_count"):  # loaded by get_letter_for_public
        return {"count": version.revision_count, "last": version.text_changed_at}
    return version.revisions.aggregate(count=Count("pk"), last=Max("created_at"))


# --- the history of a version's text -------------------------------------------------------------------------------


def revision_history(request, slug):
    """Every revision of one version's text (?version=, else the page's language): number, date, kind, note."""
    letter = get_letter_for_public(request, slug)
    version = letter.version(chosen_version_language(request, letter, get_language()))
    if version is None:
        raise Http404
    revisions = list(version.revisions.order_by("-number"))
    return render(request, "letters/public/revisions.html", {
        "letter": letter, "version": version, "revisions": revisions, "versions": _versions(request, letter, version),
    })


def revision_detail(request, slug, number):
    """One revision and what changed against the previous one (or ?from=<n>, an earlier revision: a signer's)."""
    from letters.services.revisions import diff_texts

    letter = get_letter_for_public(request, slug)
    version = letter.version(chosen_version_language(request, letter, get_language()))
    if version is None:
        raise Http404
    revision = get_object_or_404(version.revisions, number=number)
    since = request.GET.get("from", "")
    since = int(since) if since.isdigit() and 0 < int(since) < revision.number else revision.number - 1
    base = version.revisions.filter(number=since).first()
    return render(request, "letters/public/revision.html", {
        "letter": letter, "version": version, "revision": revision, "base": base,
        "diffs": diff_texts(base.text(), revision.text()) if base else None,
        "first_text": "\n\n".join(part for part in (
            revision.title, revision.date_line, revision.addressee, revision.body, revision.closing) if part),
        "latest": version.revisions.order_by("-number").values_list("number", flat=True).first(),
    })


def chosen_version_language(request, letter, language):
    """The version the reader chose with ?version=pt (any of the letter's languages), else the page's language."""
    wanted = request.GET.get("version", "")
    return wanted if wanted in letter.languages() else language


def _language_info(code):
    """Django's language info for a letter language; "zh" is described by the interface's "zh-hans"."""
    interface = next((c for c, _name in settings.LANGUAGES if version_language(c) == code), code)
    try:
        return get_language_info(interface)
    except KeyError:
        return {"name_local": code, "bidi": False}


def _versions(request, letter, version):
    """[(code, local name, url, is_current)] of the letter's versions, for "Read this letter in:".

    A separate choice from the interface language: every version is read with ?version=<code> and the interface
    stays as it is; the version in the page's own language needs no parameter.
    """
    own = version_language(get_language())
    current = version.language if version else None
    return [
        (code, _language_info(code)["name_local"], request.path if code == own else f"{request.path}?version={code}",
         code == current)
        for code in letter.languages()
    ]


# --- the whole letter page, rendered once per change --------------------------------------------------------------
# What an anonymous visitor without messages or an invitation sees is the same for everyone but two tokens: the
# CSRF token (masked anew for each response) and the form's fill-time token (its own time, nonce and browser
# binding, letters/forms/public.py). The page is rendered once per (stamp, language, path, ?version=) with
# placeholders in their place, kept in the shared cache, and each request fills in fresh tokens: one cache read and
# two string replacements instead of a template render. The placeholders are derived from SECRET_KEY, so no text a
# coordinator writes can contain them; a page in which they appear anywhere but in their own <input> is not cached.
# A letter whose deadline passes after the page was cached is rendered again (the entry records what it showed).
# Sign-on forms with a section choice, bound forms (a POST with errors), invitations, messages and logged-in users
# take the ordinary path.
_VERSION_PARAM = re.compile(r"[A-Za-z-]{0,10}")


@lru_cache(maxsize=4)
def _placeholders(secret):
    return {name: "page-" + salted_hmac("letters.public.page-placeholder", name, secret=secret).hexdigest()[:32]
            for name in ("csrf", "started")}


def _page_placeholders():
    return _placeholders(settings.SECRET_KEY)


def _page_key(request, stamp):
    """The cache key of this request's letter page, or None when it must be rendered for this visitor."""
    if request.method not in ("GET", "HEAD"):
        return None
    version = ""
    if request.GET:
        if len(request.GET) > 1 or "version" not in request.GET:
            return None
        version = request.GET.get("version", "")
        if not _VERSION_PARAM.fullmatch(version):
            return None
    # No session is created by these checks: without a session cookie nothing is read from the database.
    if request.session.get(signon.INVITATION_SESSION_KEY) or request.user.is_authenticated:
        return None
    if len(get_messages(request)):
        return None
    return cache_key("page", markup_release(), get_language(), request.path, version, *stamp)


def _cached_page(request, key):
    """The cached page with this request's tokens filled in, or None (not cached, or the letter closed since)."""
    entry = cache.get(key)
    if entry is None:
        return None
    if entry["open"] != (entry["status_open"] and not (entry["deadline"] and entry["deadline"] < time.time())):
        return None  # the deadline passed since the page was cached
    return _fill_page(request, entry)


def _fill_page(request, entry):
    html = entry["html"]
    placeholders = _page_placeholders()
    if entry["form"]:
        html = html.replace(placeholders["started"], escape(fill_timer_token(browser_binding(request))), 1)
    if entry["csrf"]:
        html = html.replace(placeholders["csrf"], escape(get_token(request)))
    return HttpResponse(html)


def _render_page_for_cache(request, letter, form, context, key):
    """Render the page with placeholders for its tokens, keep it under `key`, and fill in this request's tokens."""
    placeholders = _page_placeholders()
    html = render_to_string("letters/public/letter.html", {
        **context, "csrf_token": placeholders["csrf"], "started": placeholders["started"] if form else None,
    }, request)
    csrf_inputs = html.count(f'name="csrfmiddlewaretoken" value="{placeholders["csrf"]}"')
    started_inputs = html.count(f'name="started" value="{placeholders["started"]}"')
    entry = {
        "html": html, "form": form is not None, "csrf": csrf_inputs > 0, "open": letter.is_open,
        "status_open": letter.status == Letter.Status.OPEN,
        "deadline": letter.deadline.timestamp() if letter.deadline else None,
    }
    if html.count(placeholders["csrf"]) != csrf_inputs or html.count(placeholders["started"]) != started_inputs or (
            started_inputs != (1 if form is not None else 0)):
        # A placeholder where it does not belong: never cache or fill such a page; render it as usual.
        return render(request, "letters/public/letter.html", context)
    cache.set(key, entry, PAGE_CACHE_SECONDS)
    return _fill_page(request, entry)


def thanks(request, slug):
    letter = get_letter_for_public(request, slug)
    return render(request, "letters/public/thanks.html", _page_context(request, letter))


def confirm(request, slug, token):
    """GET shows a Confirm button; only the POST confirms, because mail scanners open (GET) every link."""
    letter = get_letter_for_public(request, slug, signer_link=True)
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
    letter = get_letter_for_public(request, slug, signer_link=True)
    signature, refusal = _from_link(request, letter, token, signon.MANAGE)
    if refusal:
        return refusal
    form = ListingForm(initial={"name": signature.display_name(signature.language)})
    if request.method == "POST" and "withhold" in request.POST:
        return _choose_name_withheld(request, signature)
    if request.method == "POST" and letter.is_open and signature.status in Signature.SIGNED_STATUSES:
        form = ListingForm(request.POST)
        if form.is_valid():
            if signon.correct_listing(signature, form.cleaned_data["name"]):
                messages.success(request, _("Thank you, your listing is corrected."))
            return redirect(request.path)
    context = {
        **_link_context(request, letter, signature, token), "form": form,
        "may_withhold": letter.signers_may_withhold_names and letter.is_open,
        **_signed_text(signature),
    }
    return render(request, "letters/public/manage.html", context)


def _signed_text(signature):
    """The revision a signer signed, and the version's latest one when the text has changed since."""
    signed = signature.revision
    if signed is None:
        return {"signed_revision": None, "current_revision": None}
    current = signed.version.revisions.order_by("-number").first()
    return {"signed_revision": signed, "current_revision": current if current.number > signed.number else None}


def _choose_name_withheld(request, signature):
    """The manage page's other form: named on the letter, or counted without the name (refused once closed)."""
    form = NameChoiceForm(request.POST)
    if form.is_valid() and signon.choose_name_withheld(signature, form.cleaned_data["withhold"]):
        if form.cleaned_data["withhold"]:
            messages.success(request, _("Done: you are counted on the letter, and your name is not shown."))
        else:
            messages.success(request, _("Done: your name is shown on the letter."))
    return redirect(request.path)


@require_POST
def withdraw(request, slug, token):
    letter = get_letter_for_public(request, slug, signer_link=True)
    signature, refusal = _from_link(request, letter, token, signon.MANAGE)
    if refusal:
        return refusal
    if letter.is_open and signon.withdraw(signature):
        messages.success(request, _("Your sign-on is withdrawn. It no longer appears on the letter."))
    return redirect("public:manage", slug=slug, token=token)


def _from_link(request, letter, token, purpose):
    """(signature, None) for a valid link; (None, a page explaining why not) for an expired or tampered one."""
    try:
        signature = signon.signature_from_token(token, purpose, letter)
        confidential.grant_signer(request, letter)
        return signature, None
    except signon.LinkExpired:
        reason, status = "expired", 410
    except signon.LinkInvalid:
        reason, status = "invalid", 400
    if not reader_may_see(request, letter):
        raise Http404  # a refused link must not show a confidential letter's title either
    context = {**_page_context(request, letter), "reason": reason}
    return None, render(request, "letters/public/link_refused.html", context, status=status)


def _page_context(request, letter):
    prefetch_related_objects([letter], "versions")
    version = letter.version(get_language())
    return {"letter": letter, "version": version}


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
