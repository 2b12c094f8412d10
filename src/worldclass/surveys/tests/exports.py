"""Client exports in the shapes real contact-center tools produce, written for tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

CALL_LOG_HEADER = [
    "Call Id",
    "Date",
    "Time",
    "SurveyCompleted",
    "Satisfaction rating",
    "Resolved",
    "Answered (Y/N)",
    "Agent ID",
    "AgentName",
    "Team lead",
]

# A call log exported from a phone system: typed Date, Time and datetime cells, ratings as numbers (5.0), an
# "answered" flag, and one satisfaction rating for both questions.
CALL_LOG_MAPPING = """
[file]
sheet = "Calls"
timezone = "America/Toronto"

[constants]
org = "phonenow"
site = "toronto"
site_name = "Toronto, Bay Street"
country = "CA"
channel = "phone"
first_call = "yes"
comment = ""              # the export has no comments

[columns]
survey_id = "Call Id"
call_id = "Call Id"
call_at = ["Date", "Time"]
surveyed_at = "SurveyCompleted"
overall_sat = "Satisfaction rating"
csr_sat = "Satisfaction rating"
resolved = "Resolved"
csr = "Agent ID"
csr_name = "AgentName"
supervisor = "Team lead"

[skip]
"Answered (Y/N)" = ["N"]

[values.resolved]
"Y" = "yes"
"N" = "no"
"""


def call_log_rows(*, months=(1, 2, 3), answered=10, world_class=9, unanswered=2) -> list[list]:
    """Per month, `answered` calls on the 6th at 10:00 local time, surveyed at 11:30, `world_class` of them rated
    5.0 and the others 4; then `unanswered` calls with no rating."""
    rows = []
    for month in months:
        day = dt.date(2025, month, 6)
        for number in range(answered):
            rating = 5.0 if number < world_class else 4
            rows.append(
                [
                    f"{month}-{number}",
                    day,
                    dt.time(10, 0),
                    dt.datetime.combine(day, dt.time(11, 30)),
                    rating,
                    "Y",
                    "Y",
                    "c1",
                    "Zoë Brûlé",
                    "lead1",
                ]
            )
        for number in range(unanswered):
            rows.append([f"{month}-x{number}", day, dt.time(10, 5), None, None, "", "N", "c1", "Zoë Brûlé", "lead1"])
    return rows


def write_xlsx(path: Path, header: list[str], rows: list[list], *, sheet: str = "Calls", title_rows: int = 0) -> Path:
    """An xlsx workbook with typed cells: dates, times, datetimes and numbers stay what they are."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for _ in range(title_rows):
        worksheet.append([])
    worksheet.append(header)
    for values in rows:
        worksheet.append(values)
    for cells in worksheet.iter_rows(min_row=title_rows + 2):
        for cell in cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            elif isinstance(cell.value, dt.time):
                cell.number_format = "hh:mm"
    workbook.save(path)
    return path


TICKET_HEADER = ["Ticket", "Opened", "Survey", "Score", "Note", "Agent", "Agent name", "Lead", "Solved"]

# A ticket export: `;`-separated, Windows-1252, day-first local times in Zurich, ratings written 3,0, and tickets
# whose survey was never answered (an empty score).
TICKET_MAPPING = """
[file]
encoding = "cp1252"
timezone = "Europe/Zurich"
date_format = "%d.%m.%Y"

[constants]
org = "helvetia"
org_name = "Helvetia Contact AG"
site = "zrh"
site_name = "Zürich Hauptbahnhof"
country = "CH"
channel = "web"
first_call = "no"

[columns]
survey_id = "Ticket"
call_id = "Ticket"
call_at = "Opened"
surveyed_at = "Survey"
overall_sat = "Score"
csr_sat = "Score"
comment = "Note"
csr = "Agent"
csr_name = "Agent name"
supervisor = "Lead"
resolved = "Solved"

[skip]
"Score" = [""]

[rating]
scale = [1, 3]
"""


def write_ticket_csv(path: Path, rows: list[list[str]], *, encoding: str = "cp1252") -> Path:
    lines = [";".join(TICKET_HEADER)] + [";".join(values) for values in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def ticket(number: int, opened: str, survey: str, score: str = "3,0", *, agent="a1", name="Zoë Brûlé") -> list[str]:
    return [f"T{number}", opened, survey, score, "très bien" if score else "", agent, name, "L1", "yes"]
