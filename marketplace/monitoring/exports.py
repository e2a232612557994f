"""The donor exports of one programme report: CSV in long format and an Excel workbook.

Both read the same `reports.Report` the dashboard shows, and every disaggregated cell goes
through the same suppression pattern (`reports.breakdown`), so no export shows a cell the
dashboard hides.

Long format, one row per figure: programme, indicator, indicator name, IRIS+ code, donor code,
unit, period, disaggregation, category, kind (baseline / target / actual), value, note. A
suppressed value is written as "< 5" or "*" with its note.
"""

from __future__ import annotations

import csv
import io
import re

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from marketplace.formatting import spreadsheet_cell
from marketplace.monitoring import facts, suppression
from marketplace.monitoring import indicators as ind
from marketplace.monitoring.reports import Report

COLUMNS = (
    "programme",
    "indicator",
    "indicator_name",
    "iris_code",
    "donor_code",
    "unit",
    "period",
    "disaggregation",
    "category",
    "kind",
    "value",
    "note",
)
SHEET_NAME_MAX = 31


def long_rows(report: Report):
    """Every figure of the report as one long-format row (a dict keyed by COLUMNS)."""
    name = report.programme.name if report.programme else "TemuModal"
    donor_codes = {t.indicator: t.donor_code for t in report.targets if t.donor_code}
    today = report.today.isoformat()
    for code, spec in ind.INDICATORS.items():
        base = {
            "programme": name,
            "indicator": code,
            "indicator_name": str(spec.name),
            "iris_code": spec.iris,
            "donor_code": donor_codes.get(code, ""),
            "unit": spec.unit,
        }
        for line in (t for t in report.targets if t.indicator == code):
            if line.baseline is not None:
                yield {**base, "period": line.period, "kind": "baseline", "value": line.baseline}
            yield {**base, "period": line.period, "kind": "target", "value": line.target}
            yield {**base, "period": line.period, "kind": "actual", "value": line.actual}
        yield {**base, "period": today, "kind": "actual", "value": report.totals[code][1]}
        for disaggregation in spec.disaggregations:
            table = report.breakdown(code, disaggregation)
            for cell in table.cells:
                yield {
                    **base,
                    "period": today,
                    "disaggregation": disaggregation,
                    "category": cell.label,
                    "kind": "actual",
                    "value": cell.shown,
                    "note": _note(cell.mark),
                }


def _note(mark: str) -> str:
    if mark == suppression.SMALL:
        return _("fewer than 5 enterprises")
    if mark == suppression.HIDDEN:
        return _("hidden so that a small cell cannot be worked out from the total")
    if mark == "withheld":
        return _("too few enterprises to show this breakdown")
    return ""


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    with facts.gc_paused():
        for row in long_rows(report):
            # Text a spreadsheet would run as a formula (a donor code "=HYPERLINK(…)") is
            # escaped by the rule orders.csv uses (`formatting.spreadsheet_cell`).
            writer.writerow({key: spreadsheet_cell(value) for key, value in row.items()})
    return out.getvalue()


def _text_cells(sheet) -> None:
    """Every text cell of `sheet` as plain text, never a formula: openpyxl writes a string
    starting with "=" as a formula unless its data type says string, and Excel also runs
    + - @ at the start, so those are escaped as in the CSV."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = spreadsheet_cell(cell.value)
                cell.data_type = "s"


def report_workbook(report: Report) -> bytes:
    """One workbook: "Indicators" (indicator × period: baseline, target, actual), one sheet per
    disaggregation (indicator × category, suppressed) and a "Dictionary" sheet."""
    with facts.gc_paused():
        return _workbook(report)


def _workbook(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(_("Indicators"))
    periods = sorted({t.period for t in report.targets}) + [report.today.isoformat()]
    header = [_("Indicator"), _("Code"), _("IRIS+"), _("Donor code")]
    for period in periods:
        header += [
            f"{period} {_('baseline')}",
            f"{period} {_('target')}",
            f"{period} {_('actual')}",
        ]
    sheet.append(header)
    by_key = {(t.indicator, t.period): t for t in report.targets}
    for code, spec in ind.INDICATORS.items():
        donor = next(
            (t.donor_code for t in report.targets if t.indicator == code and t.donor_code), ""
        )
        line = [str(spec.name), code, spec.iris, donor]
        for period in periods[:-1]:
            target = by_key.get((code, period))
            line += [target.baseline, target.target, target.actual] if target else [None] * 3
        line += [None, None, report.totals[code][1]]
        sheet.append(line)
    _bold_header(sheet)

    for disaggregation, title in ind.DISAGGREGATIONS.items():
        tab = book.create_sheet(sheet_title(title))
        codes = [c for c, s in ind.INDICATORS.items() if disaggregation in s.disaggregations]
        tables = {code: report.breakdown(code, disaggregation) for code in codes}
        categories: list[str] = []
        for table in tables.values():
            for cell in table.cells:
                if cell.label not in categories:
                    categories.append(cell.label)
        tab.append([_("Indicator"), _("Code"), *categories, _("Total")])
        for code in codes:
            cells = {cell.label: cell for cell in tables[code].cells}
            values = [
                (cells[c].shown if c in cells else 0) if not tables[code].withheld else "–"
                for c in categories
            ]
            tab.append([str(ind.INDICATORS[code].name), code, *values, tables[code].total])
        _bold_header(tab)

    routes = book.create_sheet(sheet_title(_("Financing routes")))
    routes.append([_("Route"), _("Enterprises financed")])
    for cell in report.routes.cells:
        routes.append([cell.label, cell.shown])
    _bold_header(routes)

    dictionary = book.create_sheet(sheet_title(_("Dictionary")))
    dictionary.append(
        [_("Code"), _("Name"), _("Definition"), _("Unit"), _("IRIS+"), _("Disaggregations")]
    )
    for code, spec in ind.INDICATORS.items():
        dictionary.append(
            [
                code,
                str(spec.name),
                str(spec.definition),
                spec.unit,
                spec.iris,
                ", ".join(spec.disaggregations),
            ]
        )
    dictionary.append([])
    dictionary.append(["< 5", _("fewer than 5 enterprises")])
    dictionary.append(["*", _("hidden so that a small cell cannot be worked out from the total")])
    dictionary.append(["–", _("too few enterprises to show this breakdown")])
    _bold_header(dictionary)

    for one in book.worksheets:
        _text_cells(one)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_title(title) -> str:
    """A worksheet name Excel accepts: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", str(title))[:SHEET_NAME_MAX]


def _bold_header(sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
