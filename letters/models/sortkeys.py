"""Collation keys of sign-on names, kept between exports (PostgreSQL).

Computing the ICU key of 100,000 names costs ~0.3 s of CPU, about half of what writing their CSV costs. A name
rarely changes, so its key is computed once, stored here, and every later export in that language has the database
sort its rows by the stored keys (ordering.py), until the name changes.

Each export first keys again every name whose stored key is not current, which the database itself decides:
`Signature.name_version` moves on, by triggers (migration 0017), whenever anything the shown name is made of changes: the sign-on's organisation,
override or per-language names, its organisation's name or sort name, or a display name of that organisation. The
triggers see every write (the ORM's saves, queryset updates, admin bulk actions, raw SQL), which code in save()
could not. A key is stored with the version of the row it was computed from, read in the same query as the names,
so a key computed while a rename commits is stored under the old version and never matches again.

SQLite calls our key function from the export query itself (ordering._sorted_rows): nothing is stored there.
"""

import logging

import psycopg
from django.db import IntegrityError, OperationalError, connections, models, transaction

from .signatures import Signature

# Rows per write to COPY: 5,000 keys make ~0.4 MB of text; 100,000 at once would hold ~20 MB more while it is sent.
STORE_BATCH = 5000
logger = logging.getLogger(__name__)


class SortKeyQuerySet(models.QuerySet):
    def store(self, language, collation, ids, versions, keys):
        """Remember keys for `language`, replacing older ones: keys[i] is the key of sign-on ids[i]'s name as of
        its name version versions[i].

        Two statements however many keys (the query count of an export stays the same at any N): the older keys of
        these sign-ons are deleted, and the new ones copied in (COPY, written 5,000 rows at a time: adapting 100,000
        values one by one would cost more than computing them). Storing is a saving, never a condition: when it
        fails (two exports storing the same new keys at once, a deadlock, a sign-on deleted meanwhile), nothing is
        stored: the caller reads again what is missing (the other export's keys, once committed) or keys the rest
        itself. Returns whether they were stored."""
        connection = connections[self.db]
        table = self.model._meta.db_table
        try:
            with transaction.atomic(using=self.db), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE language = %s AND signature_id = ANY(%s::bigint[])",
                               (language, _array(map(str, ids))))
                copy = f'COPY {table} (signature_id, language, "collation", name_version, key) FROM STDIN'
                with cursor.copy(copy) as rows:
                    # One %-format per row, applied in C: an f-string per row in a generator cost twice as much.
                    line = "%d" + f"\t{language}\t{collation}\t".replace("%", "%%") + "%d\t\\\\x%s\n"
                    for start in range(0, len(ids), STORE_BATCH):
                        end = start + STORE_BATCH
                        hexed = map(bytes.hex, keys[start:end])
                        rows.write("".join(map(line.__mod__, zip(ids[start:end], versions[start:end], hexed))))
            return True
        # psycopg's own classes too: an error raised when COPY ends does not pass through Django's error wrapper.
        except (OperationalError, IntegrityError, psycopg.OperationalError, psycopg.IntegrityError):
            logger.warning("collation keys not stored", exc_info=True)
            return False


def _array(texts):
    """A PostgreSQL array literal from its elements' texts."""
    return "{" + ",".join(texts) + "}"


class SortKey(models.Model):
    """The primary collation key of a sign-on's name in one language, as of its `name_version`."""

    # No index of its own: the unique constraint's index starts with it. Not Django's constraint either, which
    # PostgreSQL checks at the end of the outermost transaction: a key copied for a sign-on deleted meanwhile would
    # fail whatever the export was part of (a finalisation). Migration 0017 adds one that is checked at once.
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="sort_keys", db_index=False,
                                  db_constraint=False)
    language = models.CharField(max_length=10)
    # collation.VERSION: an upgraded ICU may key names differently, so older keys stop matching.
    collation = models.CharField(max_length=40)
    name_version = models.PositiveIntegerField()
    key = models.BinaryField()

    objects = SortKeyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["signature", "language"], name="one_sort_key_per_language")]

    def __str__(self):
        return f"{self.signature_id} [{self.language}]"
