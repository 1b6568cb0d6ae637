"""The demo organisation directory, curated from the five published letters in shared/seeds.

One record per organisation. Where letters spelled an organisation differently, the canonical record is here
and the other spellings are either:
- TYPOS: mistakes the product exists to fix; they become aliases and the letter shows the canonical name
  ("BALAOOD/BALAOB Mindanaw", "Commonwealth Human Rights Initiatives", "Asian Legal Resource Center"), or
- VARIANTS: a form the letter deliberately published (without the acronym, with a country suffix, an older name);
  the letter keeps it as its per-letter name override, so the demo shows each letter as it was published.
"""

# (name, acronym, country, extra keyword arguments)
ORGANISATIONS = [
    ("3IN - Inclusão, Integridade, Independência", "3IN", "", {}),
    ("Amnesty International", "", "XI", {"email_domains": "amnesty.org"}),
    ("ARTICLE 19", "", "XI", {"email_domains": "article19.org"}),
    ("Article 19 Eastern Africa", "", "KE", {}),
    ("Asian Forum for Human Rights and Development (FORUM-ASIA)", "FORUM-ASIA", "TH", {"email_domains": "forum-asia.org"}),
    ("Asian Legal Resource Centre", "ALRC", "HK", {}),
    ("Associação Brasileira de Lésbicas, Gays, Bissexuais, Travestis e Transexuais (ABGLT)", "ABGLT", "BR", {}),
    ("Associação Brasileira Interdisciplinar de AIDS (ABIA)", "ABIA", "BR", {}),
    ("Association for Progressive Communications – APC", "APC", "XI", {}),
    ("BALAOD Mindanaw", "", "PH", {}),
    ("Bytes for All", "", "PK", {}),
    ("Cairo Institute for Human Rights Studies", "CIHRS", "CH", {"email_domains": "cihrs.org"}),
    ("Chinese Human Rights Defenders", "CHRD", "XI", {}),
    ("CIDH AFRICA", "", "XF", {}),
    ("CIVICUS: World Alliance for Citizen Participation", "CIVICUS", "XI", {"email_domains": "civicus.org"}),
    ("Coalition Togolaise des Défenseurs des Droits Humains (CTDDH)", "CTDDH", "TG", {}),
    ("Committee to Protect Journalists", "CPJ", "US", {}),
    ("Commonwealth Human Rights Initiative (CHRI)", "CHRI", "IN", {}),
    ("Conectas Direitos Humanos", "", "BR", {}),
    ("DefendDefenders (East and Horn of Africa Human Rights Defenders Project)", "", "UG", {"email_domains": "defenddefenders.org"}),
    ("Egyptian Initiative for Personal Rights", "EIPR", "EG", {}),
    ("Endorois Welfare Council", "", "KE", {}),
    ("FIAN International", "", "XI", {}),
    ("Freedom House", "", "US", {}),
    ("Gabinete de Assessoria Jurídica às Organizações Populares (GAJOP)", "GAJOP", "BR", {}),
    ("Gay Kenya Trust", "", "KE", {}),
    ("Global Centre for the Responsibility to Protect", "GCR2P", "XI", {}),
    ("Global Initiative for Economic, Social and Cultural Rights", "GI-ESCR", "XI", {}),
    ("Global Justice Center", "", "US", {}),
    ("Human Rights Defenders Network-SL", "", "SL", {}),
    ("Human Rights House Foundation", "HRHF", "NO", {}),
    ("Human Rights in China (HRIC)", "HRIC", "US", {}),
    ("Human Rights Now", "", "JP", {}),
    ("Human Rights Watch", "HRW", "XI", {"email_domains": "hrw.org"}),
    ("Institut des Médias pour la Démocratie et les Droits de l'Homme (IM2DH)", "IM2DH", "TG", {}),
    ("Instituto Brasileiro de Análises Sociais e Econômicas (Ibase)", "Ibase", "BR", {}),
    ("Instituto de Desenvolvimento e Direitos Humanos (IDDH)", "IDDH", "BR", {}),
    ("International Commission of Jurists", "ICJ", "XI", {"email_domains": "icj.org"}),
    ("International Federation for Human Rights (FIDH)", "FIDH", "XI", {"email_domains": "fidh.org"}),
    ("International Planned Parenthood Federation Western Hemisphere Region", "IPPF/WHR", "XN", {}),
    ("International Service for Human Rights (ISHR)", "ISHR", "CH", {"email_domains": "ishr.ch"}),
    ("International Tibet Network Secretariat", "", "XI", {}),
    ("Kenya Human Rights Commission", "KHRC", "KE", {}),
    ("Korean House for International Solidarity", "KHIS", "KR", {}),
    ("Lawyers’ Rights Watch Canada", "LRWC", "CA", {}),
    ("Media Legal Defence Initiative", "MLDI", "GB", {}),
    ("MENA Rights Group", "", "CH", {}),
    ("MINBYUN-Lawyers for a Democratic Society", "MINBYUN", "KR", {}),
    ("Namibia Diverse Women's Association (NDWA)", "NDWA", "NA", {}),
    ("National Coalition of Human Rights Defenders of Kenya", "", "KE", {}),
    ("OutRight Action International", "", "US", {}),
    ("Partnership for Justice", "", "NG", {}),
    ("People's Solidarity for Participatory Democracy", "PSPD", "KR", {}),
    ("Persons Marginalized and Aggrieved (PEMA Kenya)", "PEMA Kenya", "KE", {}),
    ("Réseau Ivoirien pour la Défense des Droits de l'Enfant et de la Femme (RIDDEF)", "RIDDEF", "CI", {}),
    ("South Asia Partnership", "", "PK", {}),
    ("Southern Africa Human Rights Defenders Network", "SAHRDN", "ZW", {}),
    ("Teso Peace and Human Rights Development Initiative (TEPEHURDI)", "TEPEHURDI", "UG", {}),
    # Seed 002 sorts this one under T: a per-organisation choice, kept as its sort name.
    ("The African Centre for Democracy and Human Rights Studies (ACDHRS)", "ACDHRS", "GM",
     {"sort_name": "The African Centre for Democracy and Human Rights Studies (ACDHRS)"}),
    ("The Kenyan Section of the International Commission of Jurists (ICJ Kenya)", "ICJ Kenya", "KE", {}),
    ("The Network of the independent Commission for Human rights in North Africa – CIDH", "CIDH", "XM", {}),
    ("The Rights Practice", "", "GB", {}),
    ("Unrepresented Nations & Peoples Organization", "UNPO", "BE", {}),
    ("Urgent Action Fund for Women's Human Rights", "UAF", "US", {}),
    ("Ushuhuda Project", "", "KE", {}),
    ("West African Human Rights Defenders Network (ROADDH/WAHRDN)", "ROADDH/WAHRDN", "TG", {}),
    ("World Organisation Against Torture (OMCT)", "OMCT", "CH", {"email_domains": "omct.org"}),
    ("Writers in Prison Committee of PEN International", "", "XI", {}),
    ("Zimbabwe Lawyers for Human Rights", "ZLHR", "ZW", {}),
]

# Misspellings in published letters: recorded as aliases, corrected on the letter.
TYPOS = {
    "BALAOOD Mindanaw": "BALAOD Mindanaw",
    "BALAOB Mindanaw": "BALAOD Mindanaw",
    "Commonwealth Human Rights Initiatives (CHRI)": "Commonwealth Human Rights Initiative (CHRI)",
    "Asian Legal Resource Center": "Asian Legal Resource Centre",
}

# Forms a letter deliberately published; the letter keeps them as its own name for that organisation.
VARIANTS = {
    "African Centre for Democracy and Human Rights Studies": "The African Centre for Democracy and Human Rights Studies (ACDHRS)",
    "Bytes for All, Pakistan": "Bytes for All",
    "Cairo Institute for Human Rights Studies (CIHRS)": "Cairo Institute for Human Rights Studies",
    "Commonwealth Human Rights Initiative": "Commonwealth Human Rights Initiative (CHRI)",
    "DefendDefenders": "DefendDefenders (East and Horn of Africa Human Rights Defenders Project)",
    "East and Horn of Africa Human Rights Defenders Project (EHAHRDP)": "DefendDefenders (East and Horn of Africa Human Rights Defenders Project)",
    "Endorois Welfare Council (Kenya)": "Endorois Welfare Council",
    "FIDH": "International Federation for Human Rights (FIDH)",
    "Human Rights in China": "Human Rights in China (HRIC)",
    "Human Rights Now, Japan": "Human Rights Now",
    "Human Rights Watch (HRW)": "Human Rights Watch",
    "International Service for Human Rights": "International Service for Human Rights (ISHR)",
    "Korean House for International Solidarity, Republic of Korea": "Korean House for International Solidarity",
    "MINBYUN-Lawyers for a Democratic Society, Republic of Korea": "MINBYUN-Lawyers for a Democratic Society",
    "People's Solidarity for Participatory Democracy, Republic of Korea": "People's Solidarity for Participatory Democracy",
    "South Asia Partnership, Pakistan": "South Asia Partnership",
    "Southern African Human Rights Defenders Network": "Southern Africa Human Rights Defenders Network",
    "The Egyptian Initiative for Personal Rights": "Egyptian Initiative for Personal Rights",
    "World Organisation against Torture (OMCT)": "World Organisation Against Torture (OMCT)",
}

# Seed 003's footnote lost a comma between two organisations; the demo records both signatures.
SPLITS = {
    "Conectas Direitos Humanos DefendDefenders (East and Horn of Africa Human Rights Defenders Project)": [
        "Conectas Direitos Humanos",
        "DefendDefenders (East and Horn of Africa Human Rights Defenders Project)",
    ],
}
