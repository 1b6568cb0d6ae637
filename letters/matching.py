"""Matching names as people type them to the organisation directory.

Exact matches (normalised name, alias, acronym + country, email domain) attach a sign-on to an organisation.
Fuzzy matches (rapidfuzz) are only *suggested* to a coordinator — never merged automatically, because
"Human Rights Watch" and "Human Rights House Foundation" share most of their words and are not the same.
"""

import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process, utils

from letters.models import Organisation
from letters.text import email_domain, normalise_name

# Scores are 0–100. Above this, two names are suggested as probably the same organisation.
FUZZY_CUTOFF = 88
# Webmail providers: a sign-on "from Human Rights Watch" sent from one of these must be checked.
WEBMAIL_DOMAINS = {
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "yahoo.es", "hotmail.com", "hotmail.fr", "outlook.com",
    "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "proton.me", "protonmail.com", "gmx.net", "gmx.de",
    "mail.ru", "yandex.ru", "qq.com", "163.com", "laposte.net", "orange.fr", "free.fr", "web.de", "zoho.com",
}
_ACRONYM = re.compile(r"\(([A-Z0-9][A-Za-z0-9&/\-. ]{1,20})\)\s*$")


def acronym_of(name):
    """The acronym in trailing parentheses: "Human Rights in China (HRIC)" → "HRIC"."""
    match = _ACRONYM.search(name or "")
    return match.group(1).strip() if match else ""


def _fuzzy_score(a, b, score_cutoff=None, **_kwargs):
    score = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    return score if score_cutoff is None or score >= score_cutoff else 0


@dataclass
class Match:
    """How a typed name relates to the directory."""

    name: str
    organisation: Organisation | None = None
    how: str = "new"  # exact | alias | acronym | domain | new
    suggestions: list = field(default_factory=list)  # [(organisation, score)] near matches, best first
    possibly_two: list = field(default_factory=list)  # [organisation, organisation] when a comma seems lost
    domain_mismatch: bool = False

    @property
    def is_new(self):
        return self.organisation is None

    @property
    def best_suggestion(self):
        return self.suggestions[0] if self.suggestions else (None, 0)


class Matcher:
    """An in-memory index of the directory, built once per request/import (one query, however long the list)."""

    def __init__(self, queryset=None):
        queryset = queryset if queryset is not None else Organisation.objects.all()
        self.by_id = {}
        self.by_key = {}
        self.by_acronym = {}
        self.by_domain = {}
        for org in queryset.prefetch_related("aliases").only(
            "id", "name", "acronym", "country", "normalised_name", "email_domains", "kind"
        ):
            self.add(org)

    def add(self, org):
        """Index `org` (also used for organisations created during an import, so a list never creates one twice)."""
        self.by_id[org.pk] = org
        self.by_key.setdefault(org.normalised_name, (org, "exact"))
        for alias in getattr(org, "_prefetched_objects_cache", {}).get("aliases", []):
            self.by_key.setdefault(alias.normalised, (org, "alias"))
        if org.acronym:
            self.by_acronym.setdefault((normalise_name(org.acronym), str(org.country)), org)
        for domain in org.domains:
            self.by_domain.setdefault(domain, org)
        self._choices = None

    @property
    def choices(self):
        if self._choices is None:
            self._choices = {
                key: utils.default_process(key) for key, (org, _how) in self.by_key.items()
            }
        return self._choices

    def match(self, name, country="", email=""):
        """Match one typed name (with the country and signer's email when known)."""
        key = normalise_name(name)
        result = Match(name=name)
        found = self.by_key.get(key) or self._by_acronym(name, key, country)
        if found:
            result.organisation, result.how = found
        else:
            result.suggestions = self.suggest(name)
            by_domain = self.by_domain.get(email_domain(email))
            if by_domain and any(org.pk == by_domain.pk for org, _score in result.suggestions):
                result.organisation, result.how = by_domain, "domain"
            if not result.organisation:
                result.possibly_two = self.split_candidates(name)
        if result.organisation and email:
            result.domain_mismatch = self.email_looks_foreign(result.organisation, email)
        return result

    def _by_acronym(self, name, key, country):
        acronym = normalise_name(acronym_of(name)) or (key if len(key) <= 12 and " " not in key else "")
        if not acronym:
            return None
        org = self.by_acronym.get((acronym, str(country or "")))
        return (org, "acronym") if org else None

    def suggest(self, name, limit=3, cutoff=FUZZY_CUTOFF, exclude=None):
        """[(organisation, score)] of directory names close to `name`, best first, one entry per organisation."""
        query = utils.default_process(normalise_name(name))
        if not query:
            return []
        hits = process.extract(
            query, self.choices, scorer=_fuzzy_score, processor=None, score_cutoff=cutoff, limit=limit * 3
        )
        seen, suggestions = set(), []
        for _processed, score, key in hits:
            org = self.by_key[key][0]
            if org.pk in seen or (exclude and org.pk == exclude):
                continue
            seen.add(org.pk)
            suggestions.append((org, round(score)))
        return suggestions[:limit]

    def split_candidates(self, name):
        """Two directory organisations that `name` is made of, e.g. when a list lost the comma between them."""
        words = name.split()
        for cut in range(1, len(words)):
            left = self.by_key.get(normalise_name(" ".join(words[:cut])))
            right = self.by_key.get(normalise_name(" ".join(words[cut:])))
            if left and right and left[0].pk != right[0].pk:
                return [left[0], right[0]]
        return []

    def email_looks_foreign(self, org, email):
        """True when the signer's address is not one the organisation is known to use."""
        domain = email_domain(email)
        if not domain:
            return False
        if org.domains:
            return not org.owns_email(email)
        owner = self.by_domain.get(domain)
        return bool(owner and owner.pk != org.pk)


def _sorted_tokens(key):
    return " ".join(sorted(utils.default_process(key).split()))


def find_duplicates(queryset=None, cutoff=FUZZY_CUTOFF, limit=200, chunk=1000):
    """Pairs of organisations whose names are probably the same organisation: [(org_a, org_b, score)], best first.

    Tokens are sorted once per name so the all-pairs comparison can use plain `ratio`, which rapidfuzz computes
    in C; rows are compared in chunks so memory stays at chunk × directory size bytes.
    """
    orgs = list((queryset if queryset is not None else Organisation.objects.all()).only("id", "name", "normalised_name"))
    keys = [_sorted_tokens(org.normalised_name) for org in orgs]
    pairs = []
    for start in range(0, len(keys), chunk):
        matrix = process.cdist(
            keys[start : start + chunk], keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=1
        )
        for offset, row in enumerate(matrix):
            i = start + offset
            for j in np.nonzero(row)[0]:
                if j > i:
                    pairs.append((orgs[i], orgs[j], int(row[j])))
    pairs.sort(key=lambda pair: (-pair[2], pair[0].name))
    return pairs[:limit]
