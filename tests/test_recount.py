"""The recount reproduces every number of the report from the anonymous ballot export alone: for the demo
evening (through the database and the shell commands) and for random tenders (domain only)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from app.domain import scoring
from app.domain.report import count
from app.exports.ballots_zip import ballots_zip
from app.exports.report_json import numbers_document
from app.recount import recount_document
from tests.domain.scoring.factories import Tender, tenders
from tests.exports.test_report_renderers import assert_contains, pdf_text

ROOT = Path(__file__).parents[1]


def test_demo_report_and_recount_agree(app, runner, tmp_path) -> None:
    made = runner.invoke(args=["demo", "--with-cards"])
    assert made.exit_code == 0, made.output
    public_id = made.output.strip().splitlines()[-1]
    report_path, ballots_path = tmp_path / "report.json", tmp_path / "ballots.zip"
    for fmt, path in (("json", report_path), ("ballots", ballots_path)):
        result = runner.invoke(args=["report", public_id, "--format", fmt, "--output", str(path)])
        assert result.exit_code == 0, result.output
    report = json.loads(report_path.read_text(encoding="utf-8"))
    recounted = runner.invoke(args=["recount", str(ballots_path)])
    assert recounted.exit_code == 0, recounted.output
    numbers = json.loads(recounted.output)
    assert_contains(report, numbers)
    assert numbers["ranking"] == report["ranking"] and len(numbers["ranking"]) == 4
    assert numbers["ballots_counted"] == 48
    pdf_path = tmp_path / "report.pdf"
    assert runner.invoke(args=["report", public_id, "--format", "pdf", "--output", str(pdf_path)]).exit_code == 0
    if shutil.which("pdftotext"):
        page_one = pdf_text(pdf_path, 1, 1)
        words = [next(word for word in name.split() if len(word) > 2) for name in report["ranking"]]
        assert [page_one.index(word) for word in words] == sorted(page_one.index(word) for word in words)
        assert "gewogen gemiddelde" in page_one
        text = pdf_text(pdf_path)
        assert re.search(r"Kennis van de wijk\s+30\s+30%", text)
        assert report["integrity"]["ballots_csv_sha256"] in text
    # the same without Flask or a database, as anyone holding the export would run it
    alone = subprocess.run([sys.executable, "-m", "app.recount", str(ballots_path)], capture_output=True,
                           text=True, cwd=ROOT, check=True)
    assert json.loads(alone.stdout) == numbers


def test_recount_refuses_an_altered_export(app, runner, tmp_path) -> None:
    made = runner.invoke(args=["demo", "--with-cards"])
    public_id = made.output.strip().splitlines()[-1]
    original = tmp_path / "ballots.zip"
    runner.invoke(args=["report", public_id, "--format", "ballots", "--output", str(original)])
    with zipfile.ZipFile(original) as archive:
        manifest, ballots = archive.read("manifest.json"), archive.read("ballots.csv").decode("utf-8")
    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(altered, "w") as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr("ballots.csv", ballots.replace(",7,", ",8,", 1))
    result = runner.invoke(args=["recount", str(altered)])
    assert result.exit_code == 1
    assert "does not match the SHA-256" in result.output and len(result.output.strip().splitlines()) == 1
    missing = runner.invoke(args=["recount", str(tmp_path / "nothing.zip")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_report_command_errors_are_one_line(app, runner, tmp_path) -> None:
    result = runner.invoke(args=["report", "nope", "--format", "pdf", "--output", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["Error: This event does not exist, or you do not have access to it."]
    assert not (tmp_path / "x.pdf").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tender=tenders())
def test_recount_of_random_tenders(tmp_path_factory, tender: Tender) -> None:
    exported = scoring.export_ballots(*tender.args)
    path = tmp_path_factory.mktemp("export") / "ballots.zip"
    path.write_bytes(ballots_zip(exported))
    expected = numbers_document(count(*tender.args, scoring.sha256_of_export(exported.ballots_csv), resamples=100))
    assert recount_document(str(path), resamples=100) == expected
