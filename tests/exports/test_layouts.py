"""Every text layout, per language: names as shown in that language, countries translated, nothing private."""

import json

import markdown
import pytest

from letters.countries import country_name
from letters.documents import export_output
from letters.exports import LAYOUTS, TEXT_LAYOUTS, SignatoryList
from letters.layouts import markdown_escape, render_text
from letters.models import Organisation, Signature
from letters.resources import render_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(letter, sign):
    sign("Amnesty International", country="XI")
    sign("Cairo Institute for Human Rights Studies", country="CH", fr="Institut du Caire pour les droits humains")
    sign("Human Rights Watch", country="US", override="Human Rights Watch (HRW)")
    return letter


def test_each_language_shows_its_names_and_country_names(listed):
    assert render_text(SignatoryList(listed, "en"), "name-country") == (
        "Amnesty International, International\n"
        "Cairo Institute for Human Rights Studies, Switzerland\n"
        "Human Rights Watch (HRW), United States\n"
    )
    assert render_text(SignatoryList(listed, "fr"), "name-country") == (
        f"Amnesty International, {country_name('XI', 'fr')}\n"
        f"Human Rights Watch (HRW), {country_name('US', 'fr')}\n"
        "Institut du Caire pour les droits humains, Suisse\n"
    )
    assert "Suiza" in render_text(SignatoryList(listed, "es"), "name-country")


def test_lines_numbered_and_inline(listed):
    assert render_text(SignatoryList(listed, "en"), "lines") == (
        "Amnesty International\nCairo Institute for Human Rights Studies\nHuman Rights Watch (HRW)\n"
    )
    assert render_text(SignatoryList(listed, "en"), "numbered") == (
        "1. Amnesty International\n2. Cairo Institute for Human Rights Studies\n3. Human Rights Watch (HRW)\n"
    )
    assert render_text(SignatoryList(listed, "en"), "inline") == (
        "Amnesty International, Cairo Institute for Human Rights Studies, Human Rights Watch (HRW).\n"
    )


def test_unnamed_organisations_are_counted_never_named(listed, sign):
    sign("Secret Defenders Collective", consent=False, email="hidden@secret.example")
    sign("Another Hidden Group", consent=False)
    sign("Pending Org", status=Signature.Status.PENDING)
    sign("Withdrawn Org", status=Signature.Status.WITHDRAWN)

    for layout in TEXT_LAYOUTS + ("csv", "json"):
        text = "".join(export_output(SignatoryList(listed, "en"), layout).chunks)
        for hidden in ("Secret Defenders", "Another Hidden", "Pending Org", "Withdrawn Org", "@"):
            assert hidden not in text, (layout, hidden)

    assert render_text(SignatoryList(listed, "en"), "lines").endswith(
        "Human Rights Watch (HRW)\n\nand 2 organisations that cannot be named for security reasons\n"
    )
    assert render_text(SignatoryList(listed, "en"), "inline").endswith(
        "Human Rights Watch (HRW), and 2 organisations that cannot be named for security reasons.\n"
    )


def test_emails_appear_only_in_the_coordinators_full_export(listed):
    public = "".join(export_output(SignatoryList(listed, "en"), "csv").chunks)
    full = "".join(export_output(SignatoryList(listed, "en", include_contacts=True), "csv").chunks)

    assert "@" not in public and "Signer's email" not in public
    assert "Signer's email" in full.splitlines()[0]
    assert full.count("@ngo") == 3


def test_html_fragment_is_escaped(letter, sign):
    sign("<script>alert(1)</script> & Partners")
    sign('Quote " Org <b>')

    html = render_text(SignatoryList(letter, "en"), "html")

    assert "<script>" not in html and "<b>" not in html
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Partners</li>" in html
    assert html.startswith('<ul class="signatories">\n') and html.endswith("</ul>\n")


def test_markdown_prints_names_as_they_are(letter, sign):
    tricky = ["*Bold* Alliance", "1986. Movement", "[Link](http://evil.example) Org", "Under_score_Org",
              "# Hash Group", "+ Plus Network", "<em>Tags</em> & Co &amp; Friends"]
    for name in tricky:
        sign(name)

    text = render_text(SignatoryList(letter, "en"), "markdown")
    html = markdown.markdown(text)

    assert html.count("<li>") == len(tricky)
    for tag in ("<em>", "<strong>", "<a ", "<h1>", "<ol>"):
        assert tag not in html
    assert "&lt;em&gt;Tags&lt;/em&gt; &amp; Co &amp;amp; Friends" in html
    assert "1986. Movement" in html and "*Bold* Alliance" in html


def test_markdown_escape_keeps_plain_names_readable():
    plain = "Unrepresented Nations & Peoples Organization"
    assert markdown_escape(plain) == plain
    assert markdown_escape("Human Rights Defenders Network-SL") == "Human Rights Defenders Network-SL"


def test_individuals_with_markdown_and_html_headings(letter, sign):
    sign("Amnesty International")
    sign("Ana Abad", kind=Organisation.Kind.INDIVIDUAL, affiliation="University of Geneva")

    signatory_list = SignatoryList(letter, "fr")
    md = render_text(signatory_list, "markdown")
    html = render_text(signatory_list, "html")

    organisations, individuals = signatory_list.heading("organisation"), signatory_list.heading("individual")
    assert organisations != individuals
    assert md == (f"### {organisations}\n\n- Amnesty International\n\n"
                  f"### {markdown_escape(individuals)}\n\n- Ana Abad (University of Geneva)\n")
    assert html.count('<ul class="signatories">') == 2 and html.count("<h3>") == 2


def test_json_through_the_resource(listed):
    data = json.loads(render_json(SignatoryList(listed, "fr")))

    assert data["letter"] == listed.slug and data["language"] == "fr" and data["unnamed"] == 0
    assert [row["name"] for row in data["rows"]] == [
        "Amnesty International", "Human Rights Watch (HRW)", "Institut du Caire pour les droits humains"]
    assert data["rows"][2]["country"] == "Suisse" and data["rows"][2]["country_code"] == "CH"
    assert set(data["rows"][0]) == {"position", "name", "acronym", "country", "country_code", "kind", "affiliation",
                                    "lead", "signed", "confirmed", "after_publication", "section", "region", "note"}


def test_every_layout_renders_an_empty_list(letter):
    for layout in LAYOUTS:
        output = export_output(SignatoryList(letter, "en"), layout)
        content = b"".join(c if isinstance(c, bytes) else c.encode() for c in output.chunks)
        assert output.filename.startswith(letter.slug)
        if layout in TEXT_LAYOUTS:
            assert content == b""


def test_unknown_language_or_order_is_refused(letter):
    from letters.exports import ExportError

    with pytest.raises(ExportError):
        SignatoryList(letter, "xx")
    with pytest.raises(ExportError):
        SignatoryList(letter, "en", "random")


def test_an_inline_list_takes_the_punctuation_of_its_language(letter, sign):
    sign("Amnesty International", ar="منظمة العفو الدولية", zh="国际特赦组织")
    sign("Cairo Institute", ar="مركز القاهرة", zh="开罗研究所")
    sign("Zeta Network")

    arabic = render_text(SignatoryList(letter, "ar"), "inline")
    assert arabic.count("، ") == 2 and ", " not in arabic and arabic.endswith(".\n")
    chinese = render_text(SignatoryList(letter, "zh-hans"), "inline")
    assert chinese.count("、") == 2 and ", " not in chinese and chinese.endswith("。\n")
    assert "国际特赦组织" in chinese
    assert render_text(SignatoryList(letter, "en"), "inline") == (
        "Amnesty International, Cairo Institute, Zeta Network.\n")


def test_inline_section_headings_end_with_the_languages_colon(letter, sign):
    from letters.models import Section

    section = Section.objects.create(letter=letter, headings={"en": "Individuals", "fr": "Personnes",
                                                              "zh": "个人"}, position=1)
    sign("Amnesty International")
    Signature.objects.filter(pk=sign("Ada Lovelace", kind=Organisation.Kind.INDIVIDUAL).pk).update(section=section)

    assert render_text(SignatoryList(letter, "en"), "inline") == "Amnesty International.\n\nIndividuals: Ada Lovelace.\n"
    assert render_text(SignatoryList(letter, "fr"), "inline").endswith("Personnes\u00a0: Ada Lovelace.\n")
    assert render_text(SignatoryList(letter, "zh-hans"), "inline").endswith("个人：Ada Lovelace。\n")


@pytest.mark.parametrize("language", ["ar", "zh"])
def test_an_inline_list_in_arabic_or_chinese_reads_back_as_the_same_names(letter, sign, language):
    from letters.parsing import parse_list

    names = {"ar": ["مركز القاهرة لدراسات حقوق الإنسان", "منظمة العفو الدولية", "الشبكة العربية", "مؤسسة الكرامة",
                    "مركز الخليج"],
             "zh": ["国际特赦组织", "开罗研究所", "人权观察", "亚洲论坛", "国际人权联合会"]}[language]
    for index, name in enumerate(names):
        sign(f"Organisation {index}", **{language: name})
    text = render_text(SignatoryList(letter, language), "inline")

    parsed = parse_list(text, language=language)
    assert parsed.layout == "inline"
    assert sorted(entry.name for entry in parsed.entries) == sorted(names)
