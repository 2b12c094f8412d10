import pytest
from django.core.management import CommandError, call_command

from worldclass.surveys.tests.csvfiles import row, rows, write_csv

pytestmark = pytest.mark.django_db


def test_import_surveys_prints_a_summary(tmp_path, capsys):
    path = write_csv(tmp_path / "a.csv", rows(3))
    call_command("import-surveys", str(path))
    call_command("import-surveys", str(path))
    assert capsys.readouterr().out.splitlines() == [
        "Imported 3 new surveys.",
        "10 minutes to 72 hours after the call (edition 2008): 3 of 3 new surveys eligible.",
        "Within 2 business days of the call (editions 2009-2013): 3 of 3 new surveys eligible.",
        "10 minutes to 24 hours after the call (editions 2014-2015): 3 of 3 new surveys eligible.",
        "No change: all 3 rows were already loaded.",
    ]


def test_import_surveys_with_a_mapping(tmp_path, capsys):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[values.resolved]\n"Oui" = "yes"\n', encoding="utf-8")
    call_command("import-surveys", str(write_csv(tmp_path / "a.csv", [row(resolved="Oui")])), "--mapping", str(mapping))
    assert capsys.readouterr().out.splitlines()[0] == "Imported 1 new survey."


def test_import_surveys_fails_listing_every_bad_line(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [row(overall_sat="6"), row(survey_id="s2", resolved="perhaps")])
    with pytest.raises(CommandError) as caught:
        call_command("import-surveys", str(path))
    assert str(caught.value).splitlines() == [
        "2 bad line(s) in the file; nothing was imported.",
        "  line 2, overall_sat: rating 6 is outside the scale 1..5",
        "  line 3, resolved: 'perhaps' is not yes/no (accepted: yes/no, y/n, true/false, 1/0)",
    ]


def test_import_surveys_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import-surveys", str(tmp_path / "nope.csv"))
