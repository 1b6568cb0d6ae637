"""XLSX data rows written as XML, byte for byte as XlsxWriter's constant-memory mode writes them, without its
per-cell calls.

Why: in constant-memory mode XlsxWriter stores each cell, then writes it out through five Python calls (two regex
passes, one file write per cell): ~4 µs a cell, about 6 s of CPU for a 100,000-name list on our bench machine,
where issue 11 asks ≤ 5 s on a slower one. No library writes XLSX faster (PyExcelerate took 7.4 s against
XlsxWriter's 6.1 s for the same 100,000 rows). So XlsxWriter still makes the workbook, the header row, the sheet's
dimension and any row that is not plain text (resources._write_row), and this module writes the plain rows into
XlsxWriter's own row file: the XML XlsxWriter would write for them (tests/exports/test_xlsx_rows.py compares whole
sheets), 500 rows a write. The one difference: "&", "<" and ">" are always escaped, where XlsxWriter writes a cell
reading "<r>…</r>" as raw XML (a rich string), which could close the cell and open a formula.

It relies on XlsxWriter internals (requirements.txt pins XlsxWriter): `InlineRows.for_sheet` returns None when they
are not there, and write_xlsx then writes every row through XlsxWriter's public methods.
"""

import re

from xlsxwriter.utility import xl_col_to_name

from letters.text import plain_cells

# A literal "_xHHHH_" in a cell would read as Excel's escape for a control character: Excel's own escape for it,
# as XlsxWriter writes it.
ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
INTERNALS = ("constant_memory", "row_data_fh", "previous_row", "_write_single_row", "_check_dimensions")


class InlineRows:
    """Rows 1, 2… of a constant-memory worksheet whose header row (row 0) is written."""

    BATCH = 500

    @classmethod
    def for_sheet(cls, sheet, width):
        if not all(hasattr(sheet, name) for name in INTERNALS) or not sheet.constant_memory:
            return None
        return cls(sheet, width)

    def __init__(self, sheet, width):
        self.sheet, self.pending, self.last = sheet, [], None
        self.columns = [xl_col_to_name(column) for column in range(1, width)]
        sheet._write_single_row(1)  # the header row goes out to the file; the rows below are written in order

    def add(self, number, cells):
        """Write sheet row `number` when its cells are plain: the position (an int), then text that export_cell
        would leave as it is (printable, no formula start): after values(), every row. False otherwise: the caller
        calls flush(), writes the row through XlsxWriter, then written_by_xlsxwriter().
        """
        position, *texts = cells
        if position.__class__ is not int or not plain_cells(texts):
            return False
        joined = "".join(texts)
        if "_x" in joined:
            texts = [ESCAPE_LIKE.sub(r"_x005F\1", text) for text in texts]
        escape = "&" in joined or "<" in joined or ">" in joined
        row = number + 1
        parts = [f'<row r="{row}"><c r="A{row}"><v>{position}</v></c>']
        for column, text in zip(self.columns, texts):
            if text:  # XlsxWriter leaves empty cells out
                if escape:
                    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                space = ' xml:space="preserve"' if text[0] == " " or text[-1] == " " else ""
                parts.append(f'<c r="{column}{row}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        parts.append("</row>")
        self.pending.append("".join(parts))
        self.last = number
        if len(self.pending) == self.BATCH:
            self.flush()
        return True

    def flush(self):
        if self.pending:
            self.sheet.row_data_fh.write("".join(self.pending))
            self.pending = []

    def written_by_xlsxwriter(self, number):
        """Row `number` was written through XlsxWriter: out to the file with it now, so that the order holds."""
        self.sheet._write_single_row(number + 1)

    def close(self):
        """Before workbook.close(): the last rows, and the sheet's dimension (its <dimension ref="A1:…">)."""
        self.flush()
        if self.last is not None:
            self.sheet._check_dimensions(self.last, 0)
