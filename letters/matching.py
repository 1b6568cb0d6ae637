"""Matching names as people type them to the organisation directory.

Exact matches (normalised name, alias, acronym + country, email domain) attach a sign-on to an organisation.
Fuzzy matches (rapidfuzz) are only *suggested* to a coordinator — never merged automatically, because
"Human Rights Watch" and "Human Rights House Foundation" share most of their words and are not the same.
"""

import bisect
import re
import threading
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max
from rapidfuzz import fuzz, process, utils

from letters.models import Organisation, OrganisationAlias
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


_PARENTHETICAL = re.compile(r"\s*\([^()]*\)\s*$")
# Score given to "same name apart from a trailing parenthesis": "DefendDefenders" / "DefendDefenders (East and
# Horn of Africa Human Rights Defenders Project)", "Cairo Institute… (CIHRS)" / "Cairo Institute…".
BASE_NAME_SCORE = 90


def base_name_key(name):
    """The normalised name without a trailing parenthesis (an acronym, a former name, a country); "" if none."""
    stripped = _PARENTHETICAL.sub("", name or "")
    return normalise_name(stripped) if stripped != (name or "") and stripped.strip() else ""


def acronym_of(name):
    """The acronym in trailing parentheses: "Human Rights in China (HRIC)" → "HRIC"."""
    match = _ACRONYM.search(name or "")
    return match.group(1).strip() if match else ""


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
    """An in-memory index of the directory, built once per request/import (two queries, however long the list).

    Fuzzy scores are max(ratio, token_sort_ratio) on normalised names. Both are computed by rapidfuzz in C over
    the whole directory at once (`process.cdist`), with token-sorted keys prepared once: a Python scorer called
    20,000 times per name made a 300-line preview take seconds.
    """

    def __init__(self, queryset=None):
        queryset = queryset if queryset is not None else Organisation.objects.all()
        self.by_id = {}
        self.by_key = {}
        self.by_acronym = {}
        self.by_domain = {}
        self.by_base = {}
        self._keys = None
        orgs = list(queryset.only("id", "name", "acronym", "country", "normalised_name", "email_domains", "kind"))
        for org in orgs:
            self.add(org)
        # Aliases in one query without an IN list of every id (SQLite caps query parameters).
        ids = set(self.by_id)
        aliases = OrganisationAlias.objects.order_by("pk").values_list("organisation_id", "normalised")
        if queryset.query.where:
            aliases = aliases.filter(organisation__in=queryset.values("pk"))
        for org_id, normalised in aliases:
            if org_id in ids:
                self.by_key.setdefault(normalised, (self.by_id[org_id], "alias"))

    def add(self, org):
        """Index `org` (also used for organisations created during an import, so a list never creates one twice)."""
        self.by_id[org.pk] = org
        self.by_key.setdefault(org.normalised_name, (org, "exact"))
        for alias in getattr(org, "_prefetched_objects_cache", {}).get("aliases", []):
            self.by_key.setdefault(alias.normalised, (org, "alias"))
        if org.acronym:
            self.by_acronym.setdefault((normalise_name(org.acronym), str(org.country)), org)
        if base_name_key(org.name):
            self.by_base.setdefault(base_name_key(org.name), org)
        for domain in org.domains:
            self.by_domain.setdefault(domain, org)
        self._keys = None

    def _index(self):
        if self._keys is None:
            self._keys = list(self.by_key)
            self._processed = [utils.default_process(key) for key in self._keys]
            self._sorted = [" ".join(sorted(key.split())) for key in self._processed]
            self._position = {key: j for j, key in enumerate(self._keys)}
            lengths = np.fromiter((len(key) for key in self._processed), dtype=np.int64, count=len(self._keys))
            self._by_length = np.argsort(lengths, kind="stable")
            self._lengths = lengths[self._by_length].tolist()
            # The same keys in length order: a group's candidates are then one contiguous slice (no per-key copy).
            self._processed_by_length = [self._processed[j] for j in self._by_length]
            self._sorted_by_length = [self._sorted[j] for j in self._by_length]
        return self._keys

    def _same_base(self, name):
        """Directory organisations whose name equals `name` once a trailing parenthesis is left out (either side)."""
        key, base = normalise_name(name), base_name_key(name)
        found = [self.by_base.get(key), self.by_key.get(base, (None,))[0] if base else None,
                 self.by_base.get(base) if base else None]
        return [org for org in dict.fromkeys(found) if org is not None]

    @property
    def choices(self):
        """{directory key: processed key}, for callers that run their own rapidfuzz queries."""
        keys = self._index()
        return dict(zip(keys, self._processed))

    def match(self, name, country="", email=""):
        """Match one typed name (with the country and signer's email when known)."""
        return self.match_many([(name, country, email)])[0]

    def match_many(self, items):
        """Match many (name, country, email) at once: one fuzzy pass over the directory for the whole list."""
        items = list(items)
        results = [Match(name=name) for name, _country, _email in items]
        unmatched, unmatched_ids = [], set()
        for result, (name, country, _email) in zip(results, items):
            key = normalise_name(name)
            found = self.by_key.get(key) or self._by_acronym(name, key, country)
            if found:
                result.organisation, result.how = found
            else:
                unmatched.append(result)
                unmatched_ids.add(id(result))
        for result, suggestions in zip(unmatched, self.suggest_many([r.name for r in unmatched])):
            result.suggestions = suggestions
        for result, (_name, _country, email) in zip(results, items):
            if id(result) in unmatched_ids:
                by_domain = self.by_domain.get(email_domain(email))
                if by_domain and any(org.pk == by_domain.pk for org, _score in result.suggestions):
                    result.organisation, result.how = by_domain, "domain"
                if not result.organisation:
                    result.possibly_two = self.split_candidates(result.name)
            if result.organisation and email:
                result.domain_mismatch = self.email_looks_foreign(result.organisation, email)
        return results

    def _by_acronym(self, name, key, country):
        acronym = normalise_name(acronym_of(name)) or (key if len(key) <= 12 and " " not in key else "")
        if not acronym:
            return None
        org = self.by_acronym.get((acronym, str(country or "")))
        return (org, "acronym") if org else None

    def suggest(self, name, limit=3, cutoff=FUZZY_CUTOFF, exclude=None):
        """[(organisation, score)] of directory names close to `name`, best first, one entry per organisation."""
        return self.suggest_many([name], limit=limit, cutoff=cutoff, exclude=exclude)[0]

    def suggest_many(self, names, limit=3, cutoff=FUZZY_CUTOFF, exclude=None):
        """suggest() for each of `names`, computed with rapidfuzz in C, a few queries against many names at once.

        Why by length: a ratio of at least `cutoff` is impossible between strings whose lengths differ by more than
        a fixed proportion (2·min/(a+b) ≥ cutoff/100), so queries are grouped by length and compared only with the
        directory names of a possible length — a fifth of the directory for a typical name, which makes a
        5,000-line paste against 20,000 organisations take a fraction of a second instead of seconds.
        """
        self._index()
        out = [[] for _name in names]
        queries = [(i, utils.default_process(normalise_name(name))) for i, name in enumerate(names)]
        groups = {}
        for i, query in queries:
            if query:
                groups.setdefault(len(query), []).append((i, query))
        for length, group in groups.items():
            self._suggest_group(names, group, length, limit, cutoff, exclude, out)
        return out

    def _suggest_group(self, names, group, length, limit, cutoff, exclude, out):
        ratio = cutoff / (200 - cutoff)  # shortest/longest that can still reach the cutoff
        start = bisect.bisect_left(self._lengths, length * ratio - 1e-9)
        end = bisect.bisect_right(self._lengths, length / ratio + 1e-9)
        if start >= end:
            candidates = np.empty(0, dtype=np.int64)
        else:
            candidates = self._by_length[start:end]
        plain = [query for _i, query in group]
        if len(candidates):
            tokens = [" ".join(sorted(query.split())) for query in plain]
            processed = self._processed_by_length[start:end]
            sorted_keys = self._sorted_by_length[start:end]
            scores = np.maximum(
                process.cdist(plain, processed, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1),
                process.cdist(tokens, sorted_keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8,
                              workers=-1),
            )
        else:
            scores = np.zeros((len(group), 0), dtype=np.uint8)
        keys = self._keys
        for (i, query), row in zip(group, scores):
            hits = np.nonzero(row)[0]
            positions = candidates[hits]
            # Best first; among equal scores keep directory order, as process.extract did.
            order = np.lexsort((positions, -row[hits]))
            found = {}
            for org in self._same_base(names[i]):
                j = self._position.get(org.normalised_name)
                score = fuzz.ratio(query, self._processed[j]) if j is not None else 0
                found[org.pk] = (org, max(BASE_NAME_SCORE, round(score)))
            for k in order[: limit * 3 + len(found)]:
                org = self.by_key[keys[positions[k]]][0]
                found.setdefault(org.pk, (org, round(float(row[hits[k]]))))
            found.pop(exclude, None)
            out[i] = sorted(found.values(), key=lambda pair: -pair[1])[:limit]

    def split_candidates(self, name):
        """Two directory organisations that `name` is made of, e.g. when a list lost the comma between them."""
        # Cut the normalised name rather than normalising every cut of the name (5,000 lines: thousands of calls).
        words = normalise_name(name).split()
        for cut in range(1, len(words)):
            left = self.by_key.get(" ".join(words[:cut]))
            right = self.by_key.get(" ".join(words[cut:]))
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


def directory_fingerprint():
    """Changes whenever an organisation or alias is added, removed or saved: the key for cached indexes."""
    orgs = Organisation.objects.aggregate(n=Count("pk"), last=Max("pk"), updated=Max("updated_at"))
    aliases = OrganisationAlias.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (orgs["n"], orgs["last"], str(orgs["updated"]), aliases["n"], aliases["last"])


_cached = {}
_cached_lock = threading.Lock()


def cached_matcher():
    """A Matcher over the whole directory, rebuilt only when the directory changed (per process).

    Loading 20,000 organisations takes longer than matching a 300-line list against them, and the directory
    changes far less often than coordinators preview lists. The instance is shared: callers must not add() to it.
    """
    key = directory_fingerprint()
    with _cached_lock:
        if _cached.get("key") != key:
            _cached["matcher"] = Matcher()
            _cached["key"] = key
        return _cached["matcher"]


def _sorted_tokens(key):
    return " ".join(sorted(utils.default_process(key).split()))


def find_duplicates(queryset=None, cutoff=FUZZY_CUTOFF, limit=200, chunk=1000, against=None):
    """Pairs of organisations whose names are probably the same organisation: [(org_a, org_b, score)], best first.

    Tokens are sorted once per name so the all-pairs comparison can use plain `ratio`, which rapidfuzz computes
    in C; each chunk is compared only with the names after it (every pair once), so memory stays at
    chunk × directory size bytes. With `against`, the organisations of `queryset` are compared with those of
    `against` instead (e.g. the few changed since the last full run against the whole directory).
    `limit=None` returns every pair.
    """
    # Plain rows, not model instances: 20,000 instances cost more than the comparison of the few changed ones.
    rows = list((queryset if queryset is not None else Organisation.objects.all()).values_list("id", "normalised_name"))
    others = rows if against is None else list(against.values_list("id", "normalised_name"))
    keys = [_sorted_tokens(key) for _pk, key in rows]
    other_keys = keys if against is None else [_sorted_tokens(key) for _pk, key in others]
    found, seen = [], set()
    for start in range(0, len(keys), chunk):
        offset = start if against is None else 0
        matrix = process.cdist(keys[start : start + chunk], other_keys[offset:], scorer=fuzz.ratio,
                               score_cutoff=cutoff, dtype=np.uint8, workers=1)
        for row, column in zip(*np.nonzero(matrix)):
            a, b = rows[start + row][0], others[offset + column][0]
            pair = frozenset((a, b))
            if a != b and pair not in seen:
                seen.add(pair)
                found.append((a, b, int(matrix[row, column])))
    ids = {pk for a, b, _score in found for pk in (a, b)}
    orgs = Organisation.objects.only("id", "name", "normalised_name").in_bulk(ids)
    pairs = [(orgs[a], orgs[b], score) for a, b, score in found]
    pairs.sort(key=lambda pair: (-pair[2], pair[0].name))
    return pairs[:limit]
