"""`flask eventhub import-past-figures` and `flask eventhub build-report`."""

from __future__ import annotations

from eventhub.reports import outputs
from tests.reports import reference


def test_import_then_build_to_a_folder(app, tmp_path):
    runner = app.test_cli_runner()
    csv_path = tmp_path / "past.csv"
    csv_path.write_bytes(b"\xef\xbb\xbf" + reference.CSV_JA.encode())

    result = runner.invoke(args=["eventhub", "import-past-figures", str(csv_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "created 15, updated 0, unchanged 0"
    result = runner.invoke(args=["eventhub", "import-past-figures", str(csv_path)])
    assert result.output.strip() == "created 0, updated 0, unchanged 15"

    out = tmp_path / "report"
    result = runner.invoke(
        args=["eventhub", "build-report", "--fiscal-year", "2021", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "editions.csv",
        "figures.csv",
        "organisers-appendix.md",
        "report-en.html",
        "report-en.md",
        "report-en.pdf",
        "report-ja.html",
        "report-ja.md",
        "report-ja.pdf",
        "report.xlsx",
    ]
    markdown = (out / "report-ja.md").read_text()
    for line in reference.TAKUMI_JA:
        assert f"- {line}\n" in markdown
    assert f"※ {reference.FOOD_FAIR}\n" in markdown
    assert "  - 令和2年度は12道府県から39企業・団体が出展（オンライン開催）\n" in markdown
    assert (out / "report.xlsx").read_bytes()[:2] == b"PK"
    assert outputs.XLSX.endswith("sheet")


def test_import_errors_are_listed_and_the_command_fails(app, tmp_path):
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("シリーズ,年度,出展者数\nモクコレ,令和3年度,たくさん\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["eventhub", "import-past-figures", str(csv_path)])
    assert result.exit_code != 0
    assert "row 2, 出展者数: Write a whole number" in result.output
    assert "invalid_csv" in result.output
