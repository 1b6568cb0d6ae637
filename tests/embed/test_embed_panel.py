"""The "Embed" card on the coordinator's letter dashboard: both snippets, ready to copy, and the allow-list."""

import pytest

from letters.views.embed import parse_origins

pytestmark = pytest.mark.django_db


def test_dashboard_shows_both_snippets_and_the_allow_list(coordinator_client, open_letter):
    html = coordinator_client.get("/manage/letters/open-letter/").content.decode()
    assert 'id="embed-panel"' in html
    assert ('<script src="http://testserver/static/embed/coalition-embed.js" data-letter="open-letter" '
            'data-lang="en" async></script></textarea>') in html
    assert '<iframe src="http://testserver/en/letters/open-letter/embed/" title="Release the defenders"' in html
    assert "<code>https://partner.example.org</code>" in html and "<code>https://network.example.net</code>" in html


def test_dashboard_says_when_no_site_may_frame_the_letter(coordinator_client, open_letter):
    open_letter.embed_origins = ""
    open_letter.save()
    html = coordinator_client.get("/manage/letters/open-letter/").content.decode()
    assert "None: no site may frame this letter" in html


def test_dashboard_says_a_draft_is_not_shown_yet(coordinator_client, draft_letter):
    html = coordinator_client.get("/manage/letters/draft-letter/").content.decode()
    assert "The widget shows the letter once it is open." in html
    assert "/embed/\" target=\"_blank\"" not in html  # no preview link to a 404


def test_parse_origins_normalises_each_line():
    text = "https://Partner.Example.org/\n\n  http://localhost:8080 \nhttps://*.example.net\nhttps://bücher.example"
    assert parse_origins(text) == ["https://partner.example.org", "http://localhost:8080", "https://*.example.net",
                                   "https://xn--bcher-kva.example"]


def test_parse_origins_drops_duplicates():
    assert parse_origins("https://a.example\nhttps://a.example/") == ["https://a.example"]


@pytest.mark.parametrize("line", [
    "partner.example.org", "ftp://partner.example.org", "https://partner.example.org/page",
    "https://partner.example.org?x=1", "https://user@partner.example.org", "https://a.example; script-src *",
    "*", "'self'", "'none'", "https://exa mple.org", "https://-bad.example", "https://a.example:99999",
    "https://a.*.example",
])
def test_parse_origins_refuses_what_is_not_an_origin(line):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        parse_origins(f"https://ok.example\n{line}")
    assert len(error.value.messages) == 1
