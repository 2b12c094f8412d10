import pytest

from worldclass.core.errors import AppError
from worldclass.surveys.domain.mapping import FileOptions, SurveyMapping, load_mapping, parse_mapping

EXAMPLE = """
[columns]
survey_id = "Survey ID"
resolved = "Resolved?"

[values.resolved]
"Y" = "yes"
"N" = "no"

[values.channel]
"Telephone" = "phone"

[rating]
scale = [0, 10]
"""


def test_the_documented_example_parses():
    assert parse_mapping(EXAMPLE) == SurveyMapping(
        columns={"survey_id": "Survey ID", "resolved": "Resolved?"},
        values={"resolved": {"Y": "yes", "N": "no"}, "channel": {"Telephone": "phone"}},
        scale_min=0,
        scale_max=10,
    )


def test_booleans_and_integers_in_value_maps_become_text():
    mapping = parse_mapping('[values.resolved]\n"Y" = true\n"N" = false\n[values.overall_sat]\n"Great" = 5\n')
    assert mapping.values == {"resolved": {"Y": "yes", "N": "no"}, "overall_sat": {"Great": "5"}}


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("[columns]\nagent = 'Agent'\n", ["columns.agent"]),
        ("[columns]\ncsr = ''\n", ["columns.csr"]),
        ("[columns]\ncsr = 'A'\n[constants]\ncsr = 'x'\n", ["columns.csr"]),
        ("[values.mood]\n'x' = 'y'\n", ["values.mood"]),
        ("[values.resolved]\n'x' = 1.5\n", ["values.resolved.x"]),
        ("[rating]\nscale = [5, 1]\n", ["rating.scale"]),
        ("[rating]\nscale = [1, 5, 10]\n", ["rating.scale"]),
        ("[rating]\ntop = 5\n", ["rating.top"]),
        ("[extras]\n", ["extras"]),
    ],
)
def test_bad_mapping_files_name_the_key(text, fields):
    with pytest.raises(AppError) as caught:
        parse_mapping(text)
    assert caught.value.code == "invalid_mapping"
    assert [d.field for d in caught.value.details] == fields


def test_invalid_toml_is_reported():
    with pytest.raises(AppError) as caught:
        parse_mapping("[columns\n")
    assert caught.value.details[0].message.startswith("not valid TOML")


def test_load_mapping_reads_a_file(tmp_path):
    path = tmp_path / "client.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    assert load_mapping(path).scale_max == 10


V2_EXAMPLE = """
[file]
format = "xlsx"
sheet = "Sheet1"
delimiter = ";"
encoding = "cp1252"
timezone = "Europe/Zurich"
date_format = "%d/%m/%Y"

[constants]
org = "phonenow"
first_call = false
csr_name = "Zoë"

[columns]
survey_id = "Call Id"
call_id = "Call Id"
call_at = ["Date", "Time"]

[skip]
"Answered (Y/N)" = ["N"]
"Satisfaction rating" = [""]
"""


def test_the_version_2_example_parses():
    mapping = parse_mapping(V2_EXAMPLE)
    assert mapping.file == FileOptions(
        format="xlsx",
        sheet="Sheet1",
        delimiter=";",
        encoding="cp1252",
        timezone="Europe/Zurich",
        date_format="%d/%m/%Y",
    )
    assert mapping.constants == {"org": "phonenow", "first_call": "no", "csr_name": "Zoë"}
    assert mapping.columns == {"survey_id": "Call Id", "call_id": "Call Id", "call_at": ("Date", "Time")}
    assert mapping.skip == {"Answered (Y/N)": ("N",), "Satisfaction rating": ("",)}
    assert (mapping.sources("call_at"), mapping.sources("org"), mapping.sources("csr")) == (
        ("Date", "Time"),
        (),
        ("csr",),
    )


def test_every_problem_of_a_bad_version_2_mapping_is_named_by_its_key():
    text = """
[file]
format = "ods"
delimiter = "::"
encoding = "klingon"
timezone = "Mars/Olympus"
date_format = "%H:%M"
compression = "zip"

[constants]
mood = "happy"
org = 1.5

[columns]
call_at = []
site = "Site"

[skip]
"Answered" = "N"
"""
    with pytest.raises(AppError) as caught:
        parse_mapping(text)
    assert [d.field for d in caught.value.details] == [
        "file.compression",
        "file.format",
        "file.delimiter",
        "file.encoding",
        "file.timezone",
        "file.date_format",
        "constants.mood",
        "constants.org",
        "columns.call_at",
        "skip.Answered",
    ]


def test_a_mapping_that_is_not_utf8_is_refused_by_key(tmp_path):
    path = tmp_path / "m.toml"
    path.write_bytes('[constants]\norg = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(AppError) as caught:
        load_mapping(path)
    assert caught.value.details[0].message.startswith("cannot read it: not UTF-8 text")
