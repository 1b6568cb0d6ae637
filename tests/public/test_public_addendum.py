"""After finalisation, the sign-ons approved late and recorded as an addendum ("Record the addendum as sent" on the
exports page) are published under the frozen list, headed "Added after publication on <date>": on the letter page,
the full list page and the public downloads, in every language, rendered once per list revision."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from letters.models import ListSnapshot, OrganisationName, Signature
from letters.services.finalise import finalise_letter, publish_addendum, reopen_letter
from letters.views import public_cache, signatories
from tests.factories import OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "es")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def sign_on(letter, name, status=Signature.Status.APPROVED, consent=True, **names):
    organisation = OrganisationFactory(name=name)
    for language, translated in names.items():
        OrganisationName.objects.create(organisation=organisation, language=language, name=translated)
    return SignatureFactory(letter=letter, organisation=organisation, status=status, consent_public=consent)


@pytest.fixture
def finalised(open_letter, coordinator):
    """A letter finalised with one name, and a sign-on that was confirmed but not yet approved then."""
    sign_on(open_letter, "Amnesty International")
    late = sign_on(open_letter, "Late Rights Network", status=Signature.Status.CONFIRMED, fr="Réseau tardif")
    finalise_letter(open_letter, by=coordinator)
    return open_letter, late


def heading(language):
    snapshot = ListSnapshot.objects.filter(kind=ListSnapshot.Kind.ADDENDUM, language=language[:2]).latest("pk")
    with translation.override(language):
        return "Added after publication on " + date_format(localtime(snapshot.created_at), "DATE_FORMAT")


def page(client, letter, language="en", path=""):
    return client.get(f"/{language}/letters/{letter.slug}/{path}").content.decode()


def test_a_late_sign_on_recorded_as_an_addendum_appears_under_the_frozen_list(client, finalised, coordinator):
    letter, late = finalised
    late.approve(by=coordinator)
    publish_addendum(letter, by=coordinator)
    html = page(client, letter)
    frozen = html.index("Amnesty International")
    addendum = html.index('class="h6 mt-4 pt-3 border-top signatory-addendum"')
    assert frozen < addendum < html.index("Late Rights Network")
    assert heading("en") in html
    # Not in the frozen list: the list's own block ends before the addendum's heading.
    first_list = html[html.index('id="signatory-list"'):addendum]
    assert "Late Rights Network" not in first_list


@pytest.mark.parametrize("language, name", [("en", "Late Rights Network"), ("fr", "Réseau tardif"),
                                            ("es", "Late Rights Network")])
def test_the_addendum_is_shown_in_each_language_in_its_names(client, finalised, coordinator, language, name):
    letter, late = finalised
    late.approve(by=coordinator)
    publish_addendum(letter, by=coordinator)
    html = page(client, letter, language)
    assert html.index("signatory-addendum") < html.index(name)
    with translation.override(language):
        assert date_format(localtime(letter.snapshots.latest("pk").created_at), "DATE_FORMAT") in html


def test_a_late_sign_on_not_yet_approved_is_not_published(client, finalised, coordinator):
    letter, _late = finalised
    publish_addendum(letter, by=coordinator)
    html = page(client, letter)
    assert "Late Rights Network" not in html and "signatory-addendum" not in html


def test_an_approved_late_sign_on_waits_until_the_addendum_is_recorded(client, finalised, coordinator):
    letter, late = finalised
    late.approve(by=coordinator)
    assert "Late Rights Network" not in page(client, letter)  # the public page shows what was sent
    publish_addendum(letter, by=coordinator)
    assert "Late Rights Network" in page(client, letter)  # at once: recording moves the list revision on


def test_withheld_late_sign_ons_are_counted_not_named(client, finalised, coordinator):
    letter, late = finalised
    late.approve(by=coordinator)
    hidden = sign_on(letter, "Hidden Defenders", status=Signature.Status.CONFIRMED, consent=False)
    hidden.approve(by=coordinator)
    publish_addendum(letter, by=coordinator)
    html = page(client, letter)
    assert "Hidden Defenders" not in html
    counted = "and 1 organisation that cannot be named for security reasons"
    assert html.index("signatory-addendum") < html.index(counted)
    full = page(client, letter, path="signatories/")
    assert "Hidden Defenders" not in full and full.index("signatory-addendum") < full.index(counted)


def test_the_frozen_lists_own_unnamed_count_stays_with_it(client, open_letter, coordinator):
    sign_on(open_letter, "Amnesty International")
    sign_on(open_letter, "Secret Partner", consent=False)
    late = sign_on(open_letter, "Late Rights Network", status=Signature.Status.CONFIRMED)
    finalise_letter(open_letter, by=coordinator)
    late.approve(by=coordinator)
    publish_addendum(open_letter, by=coordinator)
    for html in (page(client, open_letter), page(client, open_letter, path="signatories/")):
        counted = html.index("and 1 organisation that cannot be named")
        assert counted < html.index("signatory-addendum") < html.index("Late Rights Network")
        assert html.count("cannot be named") == 1


def test_a_second_addendum_lists_only_the_names_added_since_under_its_own_heading(client, finalised, coordinator):
    letter, late = finalised
    late.approve(by=coordinator)
    publish_addendum(letter, by=coordinator)
    later = sign_on(letter, "Later Still Coalition", status=Signature.Status.CONFIRMED)
    later.approve(by=coordinator)
    publish_addendum(letter, by=coordinator)
    html = page(client, letter)
    assert html.count("signatory-addendum") == 2 and html.count("Late Rights Network") == 1
    first, second = (i for i in range(len(html)) if html.startswith("signatory-addendum", i))
    assert first < html.index("Late Rights Network") < second < html.index("Later Still Coalition")


def test_the_full_list_page_and_downloads_carry_the_addendum(client, finalised, coordinator):
    letter, late = finalised
    late.approve(by=coordinator)
    publish_addendum(letter, by=coordinator)
    full = page(client, letter, path="signatories/")
    assert full.index("Amnesty International") < full.index(heading("en")) < full.index("Late Rights Network")
    searched = client.get(f"/en/letters/{letter.slug}/signatories/", {"q": "late"}).content.decode()
    assert "Late Rights Network" in searched and heading("en") in searched and "Amnesty" not in searched
    text = page(client, letter, path="signatories/signatories.txt")
    assert text == f"\ufeffAmnesty International\n\n{heading('en')}\nLate Rights Network\n"
    csv = page(client, letter, path="signatories/signatories.csv").splitlines()
    assert csv[1:] == ["1,Amnesty International,", f"2,Late Rights Network,{heading('en')}"]


def test_the_addendum_is_on_the_last_page_of_a_long_list(client, finalised, coordinator, settings):
    letter, late = finalised
    late.approve(by=coordinator)
    publish_addendum(letter, by=coordinator)
    with mock.patch.object(signatories, "LIST_PAGE_NAMES", 1):
        first = page(client, letter, path="signatories/")
        second = client.get(f"/en/letters/{letter.slug}/signatories/", {"page": 2}).content.decode()
    assert "Amnesty International" in first and "signatory-addendum" not in first
    assert "Late Rights Network" in second and heading("en") in second


def test_the_list_with_its_addendum_is_built_once_per_list_revision(client, finalised, coordinator):
    letter, late = finalised
    late.approve(by=coordinator)
    publish_addendum(letter, by=coordinator)
    builds = mock.Mock(wraps=public_cache.build_public_entries)
    with mock.patch.object(public_cache, "build_public_entries", builds):
        for _visit in range(3):
            assert "Late Rights Network" in page(client, letter)
        assert "Late Rights Network" in page(client, letter, path="signatories/")
        assert builds.call_count == 1
        later = sign_on(letter, "Later Still Coalition", status=Signature.Status.CONFIRMED)
        later.approve(by=coordinator)
        publish_addendum(letter, by=coordinator)
        assert "Later Still Coalition" in page(client, letter)
        assert builds.call_count == 2


def test_reopening_takes_the_page_back_to_the_live_list_without_addendum(client, finalised, coordinator):
    letter, late = finalised
    late.approve(by=coordinator)
    publish_addendum(letter, by=coordinator)
    reopen_letter(letter, by=coordinator, reason="one more week")
    html = page(client, letter)
    assert "Late Rights Network" in html and "signatory-addendum" not in html


def test_refinalising_folds_earlier_addenda_into_the_new_frozen_list(client, finalised, coordinator):
    letter, late = finalised
    late.approve(by=coordinator)
    publish_addendum(letter, by=coordinator)
    reopen_letter(letter, by=coordinator, reason="one more week")
    finalise_letter(letter, by=coordinator)
    html = page(client, letter)
    assert html.count("Late Rights Network") == 1 and "signatory-addendum" not in html
