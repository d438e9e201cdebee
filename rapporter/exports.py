"""CSV and XLSX of a report: the same tables, the same hidden cells ("< 5")."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from core.csvsafe import neutralise
from rapporter.reports import Report


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(report.title)])
    for table in report.all_tables():
        writer.writerow([])
        writer.writerow([neutralise(table.title)])
        writer.writerow([neutralise(h) for h in table.header])
        for label, cells in table.rows:
            writer.writerow([neutralise(label), *[neutralise(cell.text) for cell in cells]])
        if table.note:
            writer.writerow([neutralise(table.note)])
    return "\ufeff" + out.getvalue()  # BOM: Excel reads the Danish letters right


def as_xlsx(report: Report) -> bytes:
    """One sheet per table; numbers as numbers, hidden cells as the text "< 5"."""
    book = Workbook()
    book.remove(book.active)
    used = set()
    for table in report.all_tables():
        name = str(table.title)[:28].translate(str.maketrans("[]:*?/\\", "       "))
        while name in used:
            name = name[:26] + str(len(used))
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([str(table.title)])
        sheet.append([str(h) for h in table.header])
        for label, cells in table.rows:
            sheet.append([neutralise(label), *[_xlsx_value(cell) for cell in cells]])
        if table.note:
            sheet.append([])
            sheet.append([str(table.note)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(cell):
    # Text cells are written as strings (openpyxl never writes a formula from a str that does not
    # start with "="; neutralise covers that case too).
    if cell.hidden or cell.value is None or "(" in cell.text or "%" in cell.text:
        return neutralise(cell.text)
    return cell.value
