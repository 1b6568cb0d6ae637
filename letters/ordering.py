"""Alphabetical order of a letter's list: ICU collation keys (collation.py) applied to the name each row shows.

The name a row sorts under: this letter's name for it in the language → its override → the organisation's name in
that language → its canonical name, with a leading article dropped unless the organisation keeps it. Two ways to
get there, one order:
- SQLite: one query that SQLite sorts by our key function, which it calls once per row;
- PostgreSQL: one query reads each row's group and the stored collation key of its name (models/sortkeys.py;
  names without a current key are keyed here and their keys stored), and Python sorts the rows (one compact key per
  row); a second query then reads the full rows joined with the sorted ids.
Names whose primary keys tie (equal but for accents, case or punctuation) are then ordered by the full key.

The order of a long list is kept in the shared cache per list revision (`_alphabetical_ids`), so the first
export after a change pays for the sort and the next ones do not.
"""

import io
import json
from array import array
from itertools import chain
from operator import itemgetter

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import BinaryField, Case, CharField, F, FilteredRelation, Func, Q, Value, When
from django.db.models.functions import Cast

from letters import collation
from letters.models import Organisation, Signature, SortKey
from letters.text import LEADING_ARTICLES

ORGANISATION, INDIVIDUAL = Organisation.Kind.ORGANISATION.value, Organisation.Kind.INDIVIDUAL.value
CHUNK = 2000
# Rows per round trip to the database (a server-side cursor on PostgreSQL), about 2 MB at a time. Measured for the
# CSV download of 100,000 rows (A/B, interleaved): 2,000 costs 6-9 % less CPU than 500 (fewer round trips); 5,000
# saves a little more but holds ~7 MB more, too close to the 30 MB limit. The garbage collector is no factor: rows die
# young (6-7 gen-0 passes per export, no full one).
FETCH = 2000
# Sorting 100,000 names costs about 0.15 s of CPU with their keys stored (0.45 s keying them): a list that long keeps
# its order in the shared cache, per revision.
ORDER_CACHE_MIN_ROWS = 5000
ORDER_CACHE_SECONDS = 24 * 3600
FIRST, SECOND = itemgetter(0), itemgetter(1)


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

    def _alphabetical_ids(self):
        """Ids in collation order: from the shared cache when this revision of the list was sorted before."""
        if self._ids is not None:
            return self._ids
        # The letter's counts (kept on write) say whether the list is long enough to be worth a cache round trip.
        long = self.letter.count_organisations + self.letter.count_individuals >= ORDER_CACHE_MIN_ROWS
        if not (self.reuse_order and long and self.limit is None):
            self._ids = self._sorted_ids()
            return self._ids
        key = self._order_cache_key()
        cached = cache.get(key)
        if cached is not None:
            self._ids = array("q")
            self._ids.frombytes(cached)
        else:
            self._ids = self._sorted_ids()
            cache.set(key, self._ids.tobytes(), ORDER_CACHE_SECONDS)
        return self._ids

    def _order_cache_key(self):
        """The order depends on the list's revision (moved on in the transaction of every change to what the list
        shows: sign-ons, names, sections), the language and the grouping options. The revision is read afresh:
        `self.letter` may have been loaded before the last change. A change committed between this read and the
        rows' read is stored under the older revision, which later readers no longer ask for."""
        from letters.models import Letter

        revision = Letter.objects.filter(pk=self.letter.pk).values_list("list_revision", flat=True).first()
        options = f"{self.source}:{int(self.leads_first)}:{int(self.group_individuals)}"
        return f"list-order:{self.letter.pk}:{revision}:{self.language}:{options}:{collation.VERSION}"

    def _sorted_ids(self):
        """Ids in collation order (PostgreSQL): the keys stored for the names (models/sortkeys.py), the missing ones
        computed and stored, then sorted. Only one compact key per row is kept in memory, not the rows.

        Tried and dropped, as they cost more CPU in all than they saved: PostgreSQL checking in SQL that stored keys
        were current and sorting by them (~0.7 s of the database's CPU for 100,000 names; the name version makes the
        check one comparison, and Python sorts), and keying in batches by C loops (10 % less here, more in the
        database, which had to flag the rows with names of their own)."""
        ids, keys = self._current_keys()
        order = sorted(range(len(keys)), key=keys.__getitem__)
        runs = collation.tie_runs(keys, order)
        del keys
        if runs:
            self._break_ties(order, runs, ids)
        return array("q", map(ids.__getitem__, order))

    def _current_keys(self):
        """(ids, keys) of the listed rows (see _stored_keys), the keys that were missing now stored."""
        ids, keys, (missing_ids, versions, positions) = self._stored_keys()
        if missing_ids:  # stored without the group's two bytes: the group is read afresh each time
            SortKey.objects.using(self._listed().db).store(self.language, collation.VERSION, missing_ids, versions,
                                                           [keys[position] for position in positions], skip=2)
        return ids, keys

    def _stored_keys(self):
        """(ids, keys, missing) of the listed rows, in one query. keys[i] is the row's primary sort key: its group's
        bytes (as _prefixes gives them), then the stored key of its name. Where no current key is stored, the query
        also gives what the name is made of: keys[i] is then computed here, and `missing` holds the row's id,
        name version and position (three arrays: 24 bytes a row, where tuples took 100), to store it. The rows pass
        in batches through C (itemgetter): no Python runs for a row whose key is stored."""
        published = self.published_ids if self.source == "addendum" else set()
        current = Q(sort_keys__language=self.language, sort_keys__collation=collation.VERSION,
                    sort_keys__name_version=F("name_version"))
        queryset = self._listed().annotate(stored=FilteredRelation("sort_keys", condition=current),
                                           group=self._group_expression())
        unless_stored = [Case(When(stored__key__isnull=True, then=F(field)), default=None)
                         for field in (*NAME_FIELDS, "name_version")]
        name_key, ids, keys, missing = self._name_keyer(), array("q"), [], (array("q"), array("q"), array("q"))
        for batch in fast_batches(queryset, ("pk", GroupedKey("group", "stored__key"), *unless_stored, "group")):
            if published:
                batch = [row for row in batch if row[0] not in published]
            if not batch:
                continue
            batch_keys = list(map(SECOND, batch))
            if None in batch_keys:
                for i in [i for i, key in enumerate(batch_keys) if key is None]:
                    pk, _key, *names, version, group = batch[i]
                    batch_keys[i] = group.to_bytes(2, "big") + name_key(*names)
                    for values, value in zip(missing, (pk, version, len(keys) + i)):
                        values.append(value)
            ids.extend(map(FIRST, batch))
            keys.extend(batch_keys)
        return ids, keys, missing

    def _name_keyer(self):
        """key(*NAME_FIELDS) → the ICU primary key of the name a row sorts under."""
        display, spelled, primary_key = self._display_names, self._spelled, collation.primary_keyer(self.language)

        def name_key(override, org_id, org_name, org_sort, names):
            # `names` reads "{}" (text) when the letter gives no name of its own: nearly always.
            if override or org_id in display or (names and names != "{}"):
                return primary_key(spelled(names, override, org_id, org_name, org_sort)[1])
            # the directory's own name, as on most rows: effective_sort_name's first case, inlined
            return primary_key(org_sort or without_article(org_name))

        return name_key

    def _keyer(self):
        """key(org_id, override, org_name, org_sort, kind, is_lead, section_id, names) → a row's primary sort key:
        its group's bytes (as _section numbers groups), then the name's key. SQLite's export query calls it."""
        name_key = self._name_keyer()
        # The group as the key's first bytes; SQLite gives booleans as 0/1, which are the same dict keys.
        prefix, sections = self._prefixes(), self.sections

        def key(org_id, override, org_name, org_sort, kind, is_lead, section_id, names):
            group = prefix[kind, is_lead, section_id if section_id in sections else None]
            return group + name_key(override, org_id, org_name, org_sort, names)

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
        shown = (names and letter_name(names, self.language)) or override or self._display_names.get(org_id) \
            or org_name
        return shown, effective_sort_name(shown, org_name, org_sort)

    def _sorted_by_sqlite(self, fields):
        """SQLite only: one query that SQLite sorts by our collation key, computed by a Python function that the
        query calls once per row. Rows stream in order without a second query (PostgreSQL cannot call Python:
        it gets _alphabetical_ids and a join). Names whose keys tie arrive together and are ordered here."""
        connection = connections[Signature.objects.db]
        connection.ensure_connection()
        connection.connection.create_function("coalition_collation_key", 8, self._keyer(), deterministic=True)
        queryset = self._listed().annotate(collation_key=Func(
            "organisation_id", "name_override", "organisation__name", "organisation__sort_name",
            "organisation__kind", "is_lead", "section_id", "names", function="coalition_collation_key",
            output_field=BinaryField(),
        )).order_by("collation_key", "pk")
        tied, tied_key = [], None
        for values in fast_values(queryset, ("collation_key", *fields)):
            if values[0] != tied_key and tied:
                yield from self._untie(tied)
                tied = []
            tied_key = values[0]
            tied.append(values[1:])
        yield from self._untie(tied)

    def _untie(self, rows):
        """Rows (ROW_FIELDS tuples) whose primary keys are equal, by the full key: accents, then case."""
        if len(rows) < 2:
            return rows

        def full_key(values):
            _pk, override, org_id, org_name, org_sort = values[:5]
            shown, sort_name = self._spelled(values[ROW_FIELDS.index("names")], override, org_id, org_name, org_sort)
            return collation.sort_key(sort_name, self.language) + (shown,)

        return sorted(rows, key=full_key)

    def _break_ties(self, order, runs, ids):
        """Names equal but for accents, case or punctuation: order them by the full key (rare, so re-read)."""
        tied = [ids[i] for start, end in runs for i in order[start:end]]
        full = {}
        for start in range(0, len(tied), CHUNK):
            queryset = self._listed().filter(pk__in=tied[start:start + CHUNK])
            for pk, override, org_id, org_name, org_sort, *_group, names in fast_values(queryset, SORT_FIELDS):
                shown, sort_name = self._spelled(names, override, org_id, org_name, org_sort)
                full[pk] = collation.sort_key(sort_name, self.language) + (shown,)
        for start, end in runs:
            order[start:end] = sorted(order[start:end], key=lambda i: full.get(ids[i], ()) + (ids[i],))


# What the name a row sorts under is made of, in the order _name_keyer's key takes them.
NAME_FIELDS = ("name_override", "organisation_id", "organisation__name", "organisation__sort_name", "names")
SORT_FIELDS = ("pk", "name_override", "organisation_id", "organisation__name", "organisation__sort_name",
               "organisation__kind", "is_lead", "section_id", "names")
# Timestamps are read as text (see fast_values): Row keeps them as ISO 8601 UTC text.
ROW_FIELDS = ("pk", "name_override", "organisation_id", "organisation__name", "organisation__sort_name",
              "organisation__acronym", "organisation__country", "organisation__kind", "organisation__affiliation",
              "is_lead", Cast("signed_at", CharField()), Cast("confirmed_at", CharField()), "added_after_finalisation",
              "position", "section_id", "region", "note", "affiliation", "names")


def store_keys(letter):
    """Key and store the names of `letter`'s list in each of its languages (PostgreSQL; SQLite stores none).

    The worker runs it after a big import (tasks.key_names), so that the first alphabetical export or page of the
    list reads stored keys instead of keying every name while someone waits. Returns the languages keyed."""
    from letters.exports import SignatoryList

    if connections[Signature.objects.db].vendor != "postgresql":
        return []
    languages = list(letter.versions.order_by("language").values_list("language", flat=True))
    for language in languages:
        SignatoryList(letter, language, source="live")._current_keys()
    return languages


class GroupedKey(Func):
    """The group's number as two big-endian bytes (what _prefixes gives, for numbers under 32,768) followed by a
    stored key: NULL where no key is stored. PostgreSQL."""

    output_field = BinaryField()

    def as_sql(self, compiler, connection, **extra_context):
        (group, group_params), (key, key_params) = map(compiler.compile, self.get_source_expressions())
        return f"(int2send(CAST({group} AS smallint)) || {key})", (*group_params, *key_params)


def fast_values(queryset, fields, in_order_of=None):
    """queryset.values_list(*fields), streamed (server-side cursor), without the ORM's per-value converters.

    Why: for 100,000 rows the converters cost more than the query itself, datetimes above all (Django's
    PostgreSQL time-zone loader is pure Python): that is why timestamps are selected as text. Booleans may come
    back as 0/1. `in_order_of`: primary keys; the rows come back in that order (ids no longer listed are left
    out), in one query joined with the array of ids: json_each() on SQLite, unnest() on PostgreSQL.
    """
    sql, params = queryset.order_by(*queryset.query.order_by).values_list(*fields).query.sql_with_params()
    connection = connections[queryset.db]
    if in_order_of is not None:
        if connection.vendor == "postgresql":
            sql = (f'SELECT q.* FROM unnest(%s::bigint[]) WITH ORDINALITY AS o(id, n) JOIN ({sql}) AS q '
                   f'ON q."pk" = o.id ORDER BY o.n')
            params = (_ids_text(in_order_of, "{}"), *params)
        elif connection.vendor == "sqlite":
            sql = f'SELECT q.* FROM json_each(%s) AS o JOIN ({sql}) AS q ON q."pk" = o.value ORDER BY o.key'
            params = (_ids_text(in_order_of, "[]"), *params)
        else:  # pragma: no cover - Coalition runs on SQLite and PostgreSQL
            raise NotImplementedError(connection.vendor)
    return _stream(connection, sql, params)


def fast_batches(queryset, fields):
    """fast_values() in lists of up to FETCH rows, for callers that handle a batch at a time in C."""
    sql, params = queryset.order_by(*queryset.query.order_by).values_list(*fields).query.sql_with_params()
    connection = connections[queryset.db]
    return _batches(connection, sql, params)


def _ids_text(ids, brackets):
    """"{1,2,3}" (a PostgreSQL array) or "[1,2,3]" (JSON), one parameter however many ids, built in pieces:
    a list of 100,000 ints, or their adaptation one by one, would cost more memory than the export itself."""
    text = io.StringIO()
    text.write(brackets[0])
    for start in range(0, len(ids), CHUNK):
        text.write(("," if start else "") + ",".join(map(str, ids[start:start + CHUNK])))
    text.write(brackets[1])
    return text.getvalue()


def _stream(connection, sql, params):
    # chain.from_iterable passes the rows on in C: a generator per row (two, with fast_values') cost ~5 % of an export.
    return chain.from_iterable(_batches(connection, sql, params))


def _batches(connection, sql, params):
    """The rows of a query in lists of FETCH rows, from a server-side cursor."""
    if connection.vendor != "postgresql":
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(FETCH):
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
            while chunk := cursor.fetchmany(FETCH):
                yield chunk
