"""Regions for inviting and for the campaign view, built on the directory's own region codes.

The directory stores "International" and regions as user-assigned pseudo-countries (XI, XF, XS, XE, XL, XM, XN,
XP; see COUNTRIES_OVERRIDE in settings). A coordinator who invites "Africa" means both the organisations recorded
as regional (XF) and those in any African country, so every ISO country is grouped under one of those regions.

The grouping follows how human-rights coalitions split their work rather than the UN M49 geoscheme: the Middle
East and North Africa form one region (as in the UN Human Rights Council's practice and most NGO programmes),
Central Asia belongs to Asia, Turkey and the Caucasus to Europe, Mexico and the Caribbean to Latin America.
"""

from django.utils.translation import gettext_lazy as _

INTERNATIONAL = "XI"

# Region code → ISO 3166 countries in it (territories go with the region they lie in).
_MEMBERS = {
    "XF": "AO BF BI BJ BW CD CF CG CI CM CV DJ ER ET GA GH GM GN GQ GW IO KE KM LR LS MG ML MR MU MW MZ NA NE NG "
    "RE RW SC SD SH SL SN SO SS ST SZ TD TF TG TZ UG YT ZA ZM ZW",
    "XM": "AE BH DZ EG EH IL IQ IR JO KW LB LY MA OM PS QA SA SY TN YE",
    "XS": "AF BD BN BT CN HK ID IN JP KG KH KP KR KZ LA LK MM MN MO MV MY NP PH PK SG TH TJ TL TM TW UZ VN",
    "XE": "AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE IM IS IT JE LI LT "
    "LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR UA VA",
    "XL": "AG AI AR AW BB BL BO BQ BR BS BZ CL CO CR CU CW DM DO EC FK GD GF GP GS GT GY HN HT JM KN KY LC MF MQ MS "
    "MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI",
    "XN": "BM CA GL PM UM US",
    "XP": "AS AU CC CK CX FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS",
}

# In the order the campaign view lists them.
REGIONS = [
    ("XI", _("International")),
    ("XF", _("Africa")),
    ("XM", _("Middle East and North Africa")),
    ("XS", _("Asia")),
    ("XE", _("Europe")),
    ("XL", _("Latin America and the Caribbean")),
    ("XN", _("North America")),
    ("XP", _("Pacific")),
]
REGION_CODES = [code for code, _label in REGIONS]
NO_REGION = ""

_REGION_OF = {country: region for region, members in _MEMBERS.items() for country in members.split()}
_REGION_OF.update({code: code for code in REGION_CODES})


def region_of(country):
    """The region code for a country or pseudo-country code; "" when unknown (no country, Antarctica…)."""
    return _REGION_OF.get(str(country or "").upper(), NO_REGION)


def countries_in(regions):
    """Every country code (including the regional pseudo-code itself) that belongs to any of `regions`."""
    codes = set()
    for region in regions:
        codes.add(region)
        codes.update(_MEMBERS.get(region, "").split())
    return sorted(codes)


def region_label(code):
    return dict(REGIONS).get(code) or _("No country or region")
