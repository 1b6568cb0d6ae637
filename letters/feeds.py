"""Feeds of public letters: an Atom feed of the letters open for sign-on, per interface language
(`/<lang>/feeds/letters.atom`), and each letter's deadline as an iCalendar event (`/<lang>/letters/<slug>/deadline.ics`).

Only Letter.objects.public(): a draft or a confidential letter is never in a feed, and its .ics is a 404.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar import Alarm, Calendar, Event

from letters.markdown import render_markdown
from letters.models import Letter
from letters.views.embed import get_public_letter

FEED_LETTERS = 50
SUMMARY_WORDS = 60
PRODID = "-//Coalition//Joint letters//EN"


class OpenLettersFeed(Feed):
    """The letters open for sign-on, newest first, each in the feed's language where it has a version."""

    feed_type = Atom1Feed
    author_name = "Coalition"

    def title(self):
        return _("Joint letters open for sign-on")

    def subtitle(self):
        return _("Letters from NGO coalitions that organisations can sign.")

    def link(self):
        return reverse("public:home")

    def feed_url(self):
        return reverse("public:feed")

    def items(self):
        now = timezone.now()
        # "Open" as the letter page says it (Letter.is_open): open, and the deadline not passed yet.
        letters = Letter.objects.public().open().filter(Q(deadline__isnull=True) | Q(deadline__gt=now))
        return letters.prefetch_related("versions").order_by("-created_at")[:FEED_LETTERS]

    def item_title(self, letter):
        version = letter.version(get_language())
        return version.title if version else letter.title

    def item_description(self, letter):
        # Atom's summary is HTML: our plain text escaped, a paragraph each.
        return "".join(f"<p>{escape(part)}</p>" for part in letter_summary(letter, get_language()))

    def item_link(self, letter):
        return letter.get_absolute_url()  # under the feed's language prefix (the active language)

    def item_pubdate(self, letter):
        return letter.created_at

    def item_updateddate(self, letter):
        return max([letter.updated_at, *(version.updated_at for version in letter.versions.all())])


def letter_summary(letter, language):
    """Plain text paragraphs: the addressee, the beginning of the body, and the deadline."""
    version = letter.version(language)
    parts = []
    if version:
        parts.append(version.addressee)
        parts.append(Truncator(strip_tags(render_markdown(version.body))).words(SUMMARY_WORDS))
    if letter.deadline:
        deadline = date_format(timezone.localtime(letter.deadline), "DATETIME_FORMAT")
        parts.append(f"{_('Sign by')} {deadline}")
    return [" ".join(part.split()) for part in parts if part and part.strip()]


# --- the deadline as a calendar event ---------------------------------------------------------------------------


@require_safe
def deadline_ics(request, slug):
    """One VEVENT at the letter's deadline; 404 without a deadline (or for a draft or confidential letter)."""
    letter = get_public_letter(slug)
    if letter.deadline is None:
        raise Http404
    response = HttpResponse(deadline_calendar(letter, request).to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{letter.slug}-deadline.ics"'
    return response


def deadline_calendar(letter, request):
    version = letter.version(get_language())
    title = version.title if version else letter.title
    url = request.build_absolute_uri(letter.get_absolute_url())
    domain = _uid_domain(request)
    event = Event.new(
        # The same UID in every language and on every download: a calendar updates the event, not adds another.
        uid=f"letter-{letter.pk}-deadline@{domain}",
        start=letter.deadline,
        stamp=letter.updated_at,
        summary=_("Sign-on deadline: %(title)s") % {"title": title},
        description=f"{title}\n{url}",
        url=url,
        transparency="TRANSPARENT",  # a deadline, not a meeting: it does not make anyone busy
    )
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event["SUMMARY"])
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    return Calendar.new(prodid=PRODID, uid=f"letter-{letter.pk}-calendar@{domain}", name=title,
                        subcomponents=[event])


def _uid_domain(request):
    # SITE_URL rather than the request's host, so that www.… and the bare domain give the same UID.
    return urlsplit(settings.SITE_URL).hostname or request.get_host().split(":")[0]
