"""Giving every pasted line its role, from what it says and where it stands.

Words first: a line of heading words ("Organizações nacionais", "Firmantes a título individual:") is a heading,
a row of column names ("N° ⇥ Nom ⇥ Pays") a header, a page footer or lone number noise. Then structure, for
the lines words cannot decide:
- an un-numbered line among numbered entries is a heading when the numbering runs on across it (or restarts)
  and a blank line sets it apart; glued to a long entry above it, it is that entry's wrapped end; when the
  numbering skips one, it is an entry that lost its number;
- a short line alone in its paragraph, before a paragraph of entries, is a heading;
- a line that is only a country or region, before entries, heads a group of them ("Kenya");
- a line starting with "(" or a lowercase connector ("and Development"), or after a line cut on one, continues
  the entry above.
"""

from collections import Counter

from django.utils.translation import gettext as _

from letters import parsing_words as words
from letters.parsing_lines import CUT_END, Heading, country_of_heading, header_of, heading_of, is_footer, is_place
from letters.parsing_model import CONTINUATION, ENTRY, HEADER, HEADING, LIST_HEADING, NOISE


def classify(raws):
    """Set `role` (and `why`, `heading`, `columns`) on every line read by parsing_lines.read_lines."""
    _bare_numbers(raws)
    _word_table(raws)
    for line in raws:
        if not line.role:
            _classify_alone(line)
    candidates = [line for line in raws if not line.role]
    numbered = sum(line.number is not None for line in candidates) >= max(1, len(candidates)) * 0.5
    bulleted = sum(line.marker == "bullet" for line in candidates) >= max(1, len(candidates)) * 0.5
    for index, line in enumerate(raws):
        if not line.role:
            _classify_in_context(raws, index, numbered, bulleted)
    return raws


def _classify_alone(line):
    text = line.text
    if line.lone_number is not None:
        line.role, line.why = NOISE, _("a number on its own")
    elif is_footer(text) or not any(ch.isalnum() for ch in text):
        line.role, line.why = NOISE, _("page number or separator")
    elif not line.marker and header_of(line.cells):
        line.role, line.why = HEADER, _("column header")
        line.columns, line.header_kind = header_of(line.cells)
    elif len(line.cells) == 1:
        heading = heading_of(text)
        if heading:
            _make_heading(line, heading)


def _make_heading(line, heading):
    line.heading = heading
    if heading.whole_list:
        line.role, line.why = LIST_HEADING, _("heading of the whole list")
    else:
        line.role, line.why = HEADING, _("heading: the entries below stand under it")


def _bare_numbers(raws):
    """"1 Amnesty International": numbers without a dot count only when most of the list is numbered so."""
    bare = [line for line in raws if line.bare_number is not None]
    if len(bare) < 3 or len(bare) < len(raws) * 0.5:
        return
    steps = sum(b.bare_number == a.bare_number + 1 for a, b in zip(bare, bare[1:]))
    if steps >= (len(bare) - 1) * 0.8:
        for line in bare:
            line.number, line.marker, line.cells = line.bare_number, "number", [line.bare_rest]


# --- a Word table pasted one cell a line ------------------------------------------------------------------------


def _word_table(raws):
    """Runs of lone numbers 1, 2, 3… two to six lines apart are the first cells of a table's rows."""
    run, runs = [], []
    for index, line in enumerate(raws):
        if line.lone_number is None:
            continue
        if run and line.lone_number == raws[run[-1]].lone_number + 1 and 2 <= index - run[-1] <= 6:
            run.append(index)
            continue
        if len(run) >= 2:
            runs.append(run)
        run = [index]
    if len(run) >= 2:
        runs.append(run)
    for run in runs:
        _mark_rows(raws, run)


def _mark_rows(raws, run):
    width = Counter(b - a for a, b in zip(run, run[1:])).most_common(1)[0][0]
    for position, start in enumerate(run):
        last = position + 1 == len(run)
        end = min(len(raws), start + width) if last else run[position + 1]
        cells = []
        for line in raws[start + 1:end]:
            # After the last row the table may end: a heading there ("Individuals") is no cell.
            if line.role or (last and _strong_heading(line.text)):
                break
            line.role, line.why, line.in_table = CONTINUATION, _("a cell of the table row above"), True
            cells.append(line.text)
        row = raws[start]
        row.number, row.marker, row.table_cells, row.lone_number = row.lone_number, "number", cells, None
        row.role, row.why = ENTRY, _("table row, one cell a line")
    _mark_cell_headers(raws, run[0], width)


def _strong_heading(text):
    heading = heading_of(text)
    return heading is not None and (heading.kind or heading.whole_list or text.endswith(":"))


def _mark_cell_headers(raws, first, width):
    """"N°", "Nom", "Pays" on lines of their own before the first row: the table's header."""
    cells = raws[max(0, first - width):first]
    found = header_of([line.text for line in cells]) if len(cells) == width else None
    if not found or any(line.role for line in cells):
        return
    for line in cells:
        line.role, line.why = HEADER, _("column header")
    cells[0].columns, cells[0].header_kind = found


# --- lines words cannot decide ----------------------------------------------------------------------------------


def _neighbour(raws, index, step):
    index += step
    while 0 <= index < len(raws):
        if raws[index].role != NOISE:
            return raws[index]
        index += step
    return None


def _classify_in_context(raws, index, numbered, bulleted):
    line = raws[index]
    before, after = _neighbour(raws, index, -1), _neighbour(raws, index, 1)
    marked = numbered or bulleted
    if _continues(line, before) or (_wraps(line, before, after, marked) and not _heads_by_place(line, before, after)):
        line.role, line.why = CONTINUATION, _("continues the entry above")
    elif _heads_marked_entries(line, before, after, numbered, bulleted) or _heads_paragraph(raws, index, before) \
            or _heads_by_place(line, before, after):
        _make_heading(line, Heading(title=line.text.rstrip(": "), strong=False,
                                    country=country_of_heading(line.text.rstrip(": "))))
    else:
        line.role = ENTRY


def _continues(line, before):
    """The wrapped end of the entry above: after a cut, or opening with "(" or a lowercase connector."""
    if not _glued(line, before):
        return False
    first_word = line.text.split()[0]
    if line.text[0] in "()&+" or (first_word.islower() and words.is_connector(first_word)):
        return True
    return bool(CUT_END.search(before.text)) or before.text.count("(") > before.text.count(")")


def _glued(line, before):
    if line.marker or before is None or before.role not in (ENTRY, CONTINUATION) or line.blank_before:
        return False
    return not (line.is_row and not before.is_row)


def _wraps(line, before, after, marked):
    """Glued between two numbered (or bulleted) entries whose numbering runs on: a long entry that wrapped."""
    if not marked or not _glued(line, before) or not before.marker:
        return False
    if line.text[0].islower():
        return True
    return after is not None and after.marker == before.marker and not line.blank_after and _runs_on(before, after)


def _runs_on(before, after):
    if before.number is None or after.number is None:
        return before.number is None and after.number is None
    return after.number == before.number + 1


def _heads_marked_entries(line, before, after, numbered, bulleted):
    """An un-numbered line among numbered entries, the numbering running on (or restarting) across it."""
    if line.marker or after is None or after.role or not (numbered or bulleted) or len(line.text) > 120:
        return False
    if not (after.number is not None if numbered else after.marker == "bullet"):
        return False
    if before is None or before.role in (HEADING, LIST_HEADING, HEADER):
        return True
    if numbered and before.number is not None and after.number not in (before.number + 1, 1):
        return False  # the numbering skips one: this is the entry that lost its number
    return before.marker != "" and (line.blank_before or line.blank_after)


def _heads_paragraph(raws, index, before):
    """A short line alone in its paragraph, before a paragraph of two or more entries."""
    line = raws[index]
    alone = (before is None or line.blank_before) and line.blank_after
    text = line.text.rstrip(": ")
    if not alone or len(text) > 60 or len(text.split()) > 8 or text[-1:] in ".,;" or line.marker:
        return False
    if any(ch.isdigit() or ch in "()[]" for ch in text) or set(words.heading_words(text)) & words.ORG_WORDS:
        return False
    following = 0
    for other in raws[index + 1:]:
        if other.role in (HEADING, LIST_HEADING, HEADER):
            break
        following += other.role != NOISE
        if other.blank_after:
            break
    return following >= 2


def _heads_by_place(line, before, after):
    """"Kenya" or "Latin America" on its own line before entries: the group the entries below belong to."""
    if line.is_row or after is None or after.role not in ("", ENTRY) or not is_place(line.text.rstrip(": ")):
        return False
    return before is None or line.blank_before or line.blank_after or before.role in (HEADING, LIST_HEADING,
                                                                                      HEADER)
