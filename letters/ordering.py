"""Alphabetical order of a letter's list: ICU collation keys (collation.py) applied to the name each row shows.

The name a row sorts under: this letter's name for it in the language → its override → the organisation's name in
that language → its canonical name, with a leading article dropped unless the organisation keeps it. One query
reads the rows in that order, sorted by the database on each name's primary key (letters alone), two ways:
- PostgreSQL: by the key stored for the name (models/sortkeys.py), computed once per name and language; names
  without a current key are keyed and stored first (a change to a name moves its name version on);
- SQLite: by our key function, which the query calls once per row.
Names whose primary keys tie (equal but for accents, case or punctuation) arrive together and are then ordered by
the full key. Nothing else is kept between exports: the order costs the database one sort per export.
"""

import heapq
import json
from array import array
from itertools import chain, islice
from operator import eq, itemgetter

from django.core.cache import cache
from django.db import connections, transaction
from django.contrib.postgres.aggregates import JSONBAgg, StringAgg
from django.db.models import (
    BinaryField, Case, CharField, Count, F, FilteredRelation, Func, Q, TextField, Value, When,
)
from django.db.models.functions import Cast, JSONArray

from letters import collation
from letters.models import Letter, Organisation, Signature, SortKey
from letters.text import LEADING_ARTICLES

ORGANISATION, INDIVIDUAL = Organisation.Kind.ORGANISATION.value, Organisation.Kind.INDIVIDUAL.value
# Rows per round trip to the database (a server-side cursor on PostgreSQL), about 2 MB at a time. Measured for the
# CSV download of 100,000 rows (A/B, interleaved): 2,000 costs 6-9 % less CPU than 500 (fewer round trips); 5,000
# saves a little more but holds ~7 MB more, too close to the 30 MB limit. The garbage collector is no factor: rows die
# young (6-7 gen-0 passes per export, no full one).
FETCH = 2000
# Sign-on ids per row of the names to key (_missing_keys): about 0.4 MB of text each.
KEY_BUCKET = 5000
# A sorted query's rows are (primary key, *fields): its first column, and the rest; (key, id) is their order.
FIRST, SECOND, WITHOUT_KEY, KEY_AND_ID = itemgetter(0), itemgetter(1), itemgetter(slice(1, None)), itemgetter(0, 1)


def letter_name(names, language):
    """This letter's name for the sign-on in `language` from its `names` column as read raw ("" when none):
    SQLite gives JSON as text, psycopg may give it decoded."""
    if not names or names == "{}":
        return ""
    if isinstance(names, str):
        names = json.loads(names)
    return names.get(language, "")


def effective_sort_name(shown, org_name, org_sort_name):
    """The name a row sorts under.

    The directory's sort name was chosen for the canonical name. When this letter or language shows another
    spelling, that spelling needs its own: the organisation's choice to keep a leading article ("The African
    Centre…" under T) carries over; otherwise the article is dropped from the shown name as usual.
    """
    if shown == org_name:
        return org_sort_name or without_article(shown)
    if org_sort_name == org_name and without_article(org_name) != org_name:
        return shown
    return without_article(shown)


def without_article(name):
    """text.default_sort_name for a name that is already clean (names are cleaned on save): much faster."""
    lowered = name[:5].lower().replace("’", "'")
    if not lowered.startswith(LEADING_ARTICLES):  # most names: one test in C
        return name
    for article in LEADING_ARTICLES:
        if lowered.startswith(article) and len(name) > len(article):
            return name[len(article):].lstrip()
    return name


class AlphabeticalOrder:
    """The alphabetical order of a SignatoryList (its `letter`, `language`, `source`, grouping options, `sections`,
    `_listed()` and `_display_names`): a mixin so that exports.py keeps the rows and the layouts' needs."""

    def _section(self, kind, is_lead, section_id=None):
        """The group a row sorts in first: the letter's list sections in order (names without one first) or,
        without sections, organisations before individuals (if grouped); leads before the rest (if asked)."""
        if self.sections:
            group = 2 * self._rank(section_id)
        else:
            group = 2 if self.group_individuals and kind == INDIVIDUAL else 0
        return group + (0 if is_lead or not self.leads_first else 1)

    def _prefixes(self):
        """{(kind, is_lead, section id): the sort key's first bytes} for every group a row can be in."""
        section_ids = [None, *self.sections]
        return {(kind, lead, sid): self._section(kind, lead, sid).to_bytes(2, "big")
                for kind in (ORGANISATION, INDIVIDUAL) for lead in (False, True, 0, 1) for sid in section_ids}

    def _sorted_rows(self, fields, base=None, names_of=None, outer=None):
        """The listed rows' `fields` tuples in alphabetical order, in one query sorted by the database.

        - PostgreSQL sorts by each name's stored collation key (models/sortkeys.py): the names without a current
          key are keyed and their keys stored first (_key_missing); a row that still has none is keyed here.
        - SQLite sorts by our key function, which the query calls once per row (SQLite can call Python).
        Names whose primary keys tie (equal but for accents, case or punctuation) arrive together and are ordered
        here by the full key (_untied_batches).
        `base`: the listed rows, annotated with what `fields` name (PostgreSQL); `names_of(fields tuple)`: what a
        row's name is made of, as _keyer's key takes it, and its id (ROW_NAMES of ROW_FIELDS rows by default);
        `outer(sql)`: the query wrapped (PostgreSQL). live_lines.py uses those three."""
        names_of, base = names_of or ROW_NAMES, self._listed() if base is None else base
        connection = connections[base.db]
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            connection.connection.create_function("coalition_collation_key", 8, self._keyer(), deterministic=True)
            queryset = base.annotate(sort_key=Func(
                "organisation_id", "name_override", "organisation__name", "organisation__sort_name",
                "organisation__kind", "is_lead", "section_id", "names", function="coalition_collation_key",
                output_field=BinaryField(),
            ))
        else:
            self._key_missing()
            # A row without a current key (approved or renamed since _key_missing, or its key could not be stored)
            # comes first, and _with_unkeyed keys it and puts it in its place.
            stored = FilteredRelation("sort_keys", condition=self._current_key())
            queryset = base.annotate(stored=stored, group=self._group_expression()).annotate(
                sort_key=GroupedKey("group", "stored__key"))
        queryset = queryset.values_list("sort_key", *fields).order_by(F("sort_key").asc(nulls_first=True), "pk")
        batches = self._with_unkeyed(self._limited(queryset, connection, outer), names_of)
        return chain.from_iterable(self._untied_batches(batches, names_of))

    def _limited(self, queryset, connection, outer=None):
        """The query's rows in batches; a preview (`limit`) reads one more row than it shows, to see whether the
        last name shown ties with the next (then the whole list is read: ties are ordered by their full key)."""
        if self.limit == 0:
            return []
        # An addendum drops the names already published after reading them (_live_rows): it reads on.
        if self.limit is not None and self.source != "addendum":
            sql, params = queryset[: self.limit + 1].query.sql_with_params()
            with connection.cursor() as cursor:  # a few hundred rows: no server-side cursor, and no converters either
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            unkeyed = rows and rows[0][0] is None
            if not unkeyed and (len(rows) <= self.limit or rows[self.limit][0] != rows[self.limit - 1][0]):
                return [rows[: self.limit]] if rows else []
        sql, params = queryset.query.sql_with_params()
        return read_batches(connection, outer(sql) if outer else sql, params)

    def _with_unkeyed(self, batches, names_of):
        """The sorted query's batches, with its rows that have no key (they come first: normally none) keyed here
        and merged into their places. Row by row in Python, but only when there are such rows."""
        batches = iter(batches)
        unkeyed = []
        for batch in batches:
            if batch[-1][0] is None:
                unkeyed.extend(batch)
                continue
            if batch[0][0] is not None and not unkeyed:
                yield batch
                yield from batches
                return
            cut = sum(1 for row in batch if row[0] is None)  # NULLS FIRST: they lead the batch
            unkeyed.extend(batch[:cut])
            keyed = self._keyed(unkeyed, names_of)
            yield from _in_batches(heapq.merge(keyed, chain(batch[cut:], chain.from_iterable(batches)), key=KEY_AND_ID))
            return
        if unkeyed:
            yield from _in_batches(self._keyed(unkeyed, names_of))

    def _keyed(self, rows, names_of):
        """(key, *fields) rows keyed in Python (SQLite's key), in (key, id) order (the id is the first field)."""
        key = self._keyer()
        keyed = [(key(*names_of(row[1:])[:8]), *row[1:]) for row in rows]
        return sorted(keyed, key=KEY_AND_ID)

    def _untied_batches(self, batches, names_of):
        """Batches of (primary key, *fields) rows in key order → batches of fields rows, each run of equal keys in
        full-key order. The last run of a batch waits for the next batch, which may go on with it."""
        carry = []
        for batch in batches:
            batch = carry + batch if carry else batch
            last, cut = batch[-1][0], len(batch) - 1
            while cut and batch[cut - 1][0] == last:
                cut -= 1
            carry = batch[cut:]
            if cut:
                yield self._untied(batch[:cut], names_of)
        if carry:
            yield self._untied(carry, names_of)

    def _untied(self, batch, names_of):
        """A batch without its key column; ties (rare) ordered by the full key. Neighbours are compared in C."""
        keys, rows = list(map(FIRST, batch)), list(map(WITHOUT_KEY, batch))
        if not any(map(eq, keys, islice(keys, 1, None))):
            return rows
        untied, start = [], 0
        for end in range(1, len(rows) + 1):
            if end == len(rows) or keys[end] != keys[start]:
                untied.extend(self._untie(rows[start:end], names_of))
                start = end
        return untied

    def _display_relation(self):
        """The organisation's display name in this language, as a join (annotate it as `display`)."""
        return FilteredRelation("organisation__display_names",
                                condition=Q(organisation__display_names__language=self.language))

    def _current_key(self):
        """The stored key of a sign-on's name that is current: this language, this ICU, this name version."""
        return Q(sort_keys__language=self.language, sort_keys__collation=collation.VERSION,
                 sort_keys__name_version=F("name_version"))

    def _key_missing(self):
        """Key and store the names of the listed rows that have no current key in this language: names not keyed
        before, or changed since (PostgreSQL). Nothing is read but those rows, with everything their name is made
        of (the display name too) and their name version in the same row: a name changed meanwhile is stored under
        its older version, which no longer matches. When storing fails (another export stored some of these keys
        first), what is still missing is read again, twice at most; _with_unkeyed keys what remains."""
        display = self._display_relation()
        # Nearly every row shows the directory's own name (no override, display or letter name) and sorts under
        # its sort name.
        plain = Q(name_override="", display__name__isnull=True, names={}) & ~Q(organisation__sort_name="")
        queryset = self._listed().annotate(
            current=FilteredRelation("sort_keys", condition=self._current_key()), display=display,
            _plain=Case(When(plain, then=Value(True)), default=Value(False)),
        ).filter(current__key__isnull=True)
        for _attempt in range(3):
            ids, versions, keys = self._missing_keys(queryset)
            if not ids or SortKey.objects.using(queryset.db).store(self.language, collation.VERSION, ids, versions,
                                                                   keys):
                return len(ids)
        return 0

    def _missing_keys(self, queryset):
        """(ids, name versions, keys) of `queryset`'s rows (those _key_missing keys), read a bucket of KEY_BUCKET
        ids at a time as one row of a few texts, which Python splits in C. Reading 100,000 rows one by one, and
        removing the marks collation ignores here, cost more than ICU keying their names; one row for them all
        held 40 MB at once. Each bucket's row holds:
        - `joined`: its rows that sort under their organisation's sort name (nearly all): each one's id, name
          version and sort name without those marks (the database removes them), joined by SEPARATOR;
        - `others`: its other rows, with everything their name is made of, as a JSON array (few)."""
        # regexp_replace: PostgreSQL's translate() took 5× as long for 100,000 names.
        stripped = Func(F("organisation__sort_name"), Value(f"[{collation.IGNORED}]"), Value(""), Value("g"),
                        function="regexp_replace")
        fields = Func(Value(SEPARATOR), "pk", "name_version", stripped, function="concat_ws", output_field=TextField())
        is_plain, not_plain = Q(_plain=True), Q(_plain=False)
        buckets = queryset.annotate(_bucket=F("pk") / KEY_BUCKET).order_by().values("_bucket").annotate(
            count=Count("pk", filter=is_plain), joined=StringAgg(fields, delimiter=SEPARATOR, filter=is_plain),
            others=JSONBAgg(JSONArray("pk", "name_version", *NAME_FIELDS), filter=not_plain),
        ).values_list("_bucket", "count", "joined", "others")
        sql, params = buckets.query.sql_with_params()
        ids, versions, keys = array("q"), array("q"), []
        for bucket, count, joined, others in chain.from_iterable(
                read_batches(connections[queryset.db], sql, params, size=1)):
            parts = joined.split(SEPARATOR) if count else []
            if len(parts) != 3 * count:  # a name holds the separator (written without the app's cleaning)
                rows = queryset.filter(is_plain, pk__gte=bucket * KEY_BUCKET, pk__lt=(bucket + 1) * KEY_BUCKET)
                parts = list(chain.from_iterable(rows.values_list("pk", "name_version", "organisation__sort_name")))
                keys.extend(collation.primary_keys(parts[2::3], self.language))
            else:
                keys.extend(collation.stripped_primary_keys(parts[2::3], self.language))
            ids.extend(map(int, parts[0::3]))
            versions.extend(map(int, parts[1::3]))
            if others:  # Django has psycopg read JSON as text
                others = json.loads(others)
                ids.extend(map(FIRST, others))
                versions.extend(map(SECOND, others))
                keys.extend(self._name_keys(others))
        return ids, versions, keys

    def _name_keys(self, rows):
        """The primary keys of the names of (pk, name version, *NAME_FIELDS) rows."""
        spelled = self._spelled_as
        texts = [spelled(names, override, display_name, org_name, org_sort)[1]
                 for _pk, _version, override, display_name, org_name, org_sort, names in rows]
        return collation.primary_keys(texts, self.language)

    def _name_keyer(self):
        """key(*NAME_FIELDS) → the ICU primary key of the name a row sorts under."""
        spelled, primary_key = self._spelled_as, collation.primary_keyer(self.language)

        def name_key(override, display_name, org_name, org_sort, names):
            # `names` reads "{}" (text) when the letter gives no name of its own: nearly always.
            if override or display_name or (names and names != "{}"):
                return primary_key(spelled(names, override, display_name, org_name, org_sort)[1])
            # the directory's own name, as on most rows: effective_sort_name's first case, inlined
            return primary_key(org_sort or without_article(org_name))

        return name_key

    def _keyer(self):
        """key(org_id, override, org_name, org_sort, kind, is_lead, section_id, names) → a row's primary sort key:
        its group's bytes (as _section numbers groups), then the name's key. SQLite's export query calls it."""
        name_key, display = self._name_keyer(), self._display_names
        # The group as the key's first bytes; SQLite gives booleans as 0/1, which are the same dict keys.
        prefix, sections = self._prefixes(), self.sections

        def key(org_id, override, org_name, org_sort, kind, is_lead, section_id, names):
            group = prefix[kind, is_lead, section_id if section_id in sections else None]
            return group + name_key(override, display.get(org_id), org_name, org_sort, names)

        return key

    def _group_expression(self):
        """_section() as a database expression: the same numbers."""
        group = Value(0)
        if self.sections:
            group = Case(*[When(section_id=sid, then=Value(2 * rank)) for sid, (rank, _h, _k) in
                           self.sections.items()], default=Value(0))
        elif self.group_individuals:
            group = Case(When(organisation__kind=INDIVIDUAL, then=Value(2)), default=Value(0))
        if self.leads_first:
            group = group + Case(When(is_lead=True, then=Value(0)), default=Value(1))
        return group

    def _spelled(self, names, override, org_id, org_name, org_sort):
        """(shown, sort name) of a row: this letter's name in the language → its override → the organisation's
        name in the language → its canonical name. Callers skip the call for a row with none of the first three."""
        return self._spelled_as(names, override, self._display_names.get(org_id), org_name, org_sort)

    def _spelled_as(self, names, override, display_name, org_name, org_sort):
        """_spelled() with the organisation's name in the language given (read in the caller's own query)."""
        shown = (names and letter_name(names, self.language)) or override or display_name or org_name
        return shown, effective_sort_name(shown, org_name, org_sort)

    def _shown(self, names, override, org_id, org_name):
        """_spelled()'s shown name alone, for a row whose place is already known (its cells)."""
        return (names and letter_name(names, self.language)) or override or self._display_names.get(org_id) \
            or org_name

    def _untie(self, rows, names_of):
        """Rows whose primary keys are equal, by the full key: accents, then case."""
        if len(rows) < 2:
            return rows

        def full_key(values):
            org_id, override, org_name, org_sort, _kind, _lead, _section, names, _pk = names_of(values)
            shown, sort_name = self._spelled(names, override, org_id, org_name, org_sort)
            return collation.sort_key(sort_name, self.language) + (shown,)

        return sorted(rows, key=full_key)


# Between the fields of the texts the database joins (_missing_keys' names, live_lines.py's cells): a control
# character, which names and cells cleaned on save never hold (text.clean_text); the readers check it.
SEPARATOR = "\x1f"
# What the name a row sorts under is made of, in the order _name_keyer's key takes them.
NAME_FIELDS = ("name_override", "display__name", "organisation__name", "organisation__sort_name", "names")
# Timestamps are read as text (see fast_values): Row keeps them as ISO 8601 UTC text.
ROW_FIELDS = ("pk", "name_override", "organisation_id", "organisation__name", "organisation__sort_name",
              "organisation__acronym", "organisation__country", "organisation__kind", "organisation__affiliation",
              "is_lead", Cast("signed_at", CharField()), Cast("confirmed_at", CharField()), "added_after_finalisation",
              "position", "section_id", "region", "note", "affiliation", "names")
# What a ROW_FIELDS row's name is made of, as _keyer's key takes it, and its id last (ties are ordered by it).
ROW_NAMES = itemgetter(*(ROW_FIELDS.index(field) for field in (
    "organisation_id", "name_override", "organisation__name", "organisation__sort_name", "organisation__kind",
    "is_lead", "section_id", "names", "pk")))


def store_keys(letter):
    """Key and store the names of `letter`'s list in each of its languages (PostgreSQL; SQLite stores none).

    The worker runs it after a big import (tasks.key_names), so that the first alphabetical export or page of the
    list reads stored keys instead of keying every name while someone waits. Returns {language: names keyed}."""
    from letters.exports import SignatoryList

    if connections[Signature.objects.db].vendor != "postgresql":
        return {}
    languages = letter.versions.order_by("language").values_list("language", flat=True)
    return {language: SignatoryList(letter, language, source="live")._key_missing() for language in languages}


def key_changed_lists():
    """The scheduler's "sort keys" job: the names of every list that changed since the job last saw it, keyed in
    each language of its letter (store_keys). A list filled through the form, or in a language nobody has viewed it
    in yet, then has its first export read stored keys instead of keying 100,000 names while someone waits.

    A letter is looked at again when its list revision moves on (the revision seen is kept in the cache) or ICU
    changes (collation.VERSION, after an upgrade: no stored key matches any more); renames that bypass the app only
    wait for the next export. PostgreSQL only. Returns the number of names keyed."""
    if connections[Signature.objects.db].vendor != "postgresql":
        return 0
    keyed = 0
    for letter in Letter.objects.filter(Q(count_organisations__gt=0) | Q(count_individuals__gt=0)).order_by("pk"):
        # The ICU version in the name: after an upgrade every list is keyed again once, its revision unchanged.
        seen = f"keyed-list:{collation.VERSION}:{letter.pk}"
        if cache.get(seen) != letter.list_revision:
            keyed += sum(store_keys(letter).values())
            cache.set(seen, letter.list_revision, None)
    return keyed


class GroupedKey(Func):
    """The group's number as two big-endian bytes (what _prefixes gives, for numbers under 32,768) followed by a
    stored key: NULL where no key is stored. PostgreSQL."""

    output_field = BinaryField()

    def as_sql(self, compiler, connection, **extra_context):
        (group, group_params), (key, key_params) = map(compiler.compile, self.get_source_expressions())
        return f"(int2send(CAST({group} AS smallint)) || {key})", (*group_params, *key_params)


def fast_values(queryset, fields):
    """queryset.values_list(*fields), streamed (server-side cursor), without the ORM's per-value converters.

    Why: for 100,000 rows the converters cost more than the query itself, datetimes above all (Django's
    PostgreSQL time-zone loader is pure Python): that is why timestamps are selected as text. Booleans may come
    back as 0/1.
    """
    sql, params = queryset.order_by(*queryset.query.order_by).values_list(*fields).query.sql_with_params()
    return _stream(connections[queryset.db], sql, params)


def _in_batches(rows):
    """Rows in lists of FETCH, as read_batches() gives them."""
    rows = iter(rows)
    while batch := list(islice(rows, FETCH)):
        yield batch


def _stream(connection, sql, params):
    # chain.from_iterable passes the rows on in C: a generator per row (two, with fast_values') cost ~5 % of an export.
    return chain.from_iterable(read_batches(connection, sql, params))


def read_batches(connection, sql, params, size=FETCH):
    """The rows of a query in lists of `size` rows, from a server-side cursor."""
    if connection.vendor != "postgresql":
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(size):
                yield chunk
        return
    # PostgreSQL plans a cursor for its first 10% of rows. With stale statistics (right after a big import)
    # that picks a nested loop comparing every id with every row: quadratic. We read every row, so plan for
    # all of them, and let the sort by position stay in memory (100,000 rows spill to disk with the default
    # 4 MB). SET LOCAL needs the transaction (read-only here; on SQLite it would take the write lock).
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0; SET LOCAL work_mem = '64MB'")
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(size):
                yield chunk
