"""The ``score`` command, run through Typer's CliRunner on a private app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml
from typer.testing import CliRunner

from tests.instruments.conftest import MJOA_MAX

runner = CliRunner()


def test_list_shows_every_instrument_with_references(app: typer.Typer) -> None:
    result = runner.invoke(app, ["score", "--list", "--json"])
    assert result.exit_code == 0
    listed = {entry["id"]: entry for entry in json.loads(result.stdout)}
    assert "mjoa" in listed and "konno_sshq" in listed
    assert any(ref.get("pmid") == "27342612" for ref in listed["mjoa"]["references"])


def test_list_as_a_table(app: typer.Typer) -> None:
    result = runner.invoke(app, ["score", "--list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "cook2011_lss_cluster" in result.stdout
    assert "Konno" in result.stdout


def test_answers_file_yaml_to_json(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "visit.yaml"
    path.write_text(yaml.safe_dump({**MJOA_MAX, "upper_limb_motor": 2}), encoding="utf-8")
    result = runner.invoke(app, ["score", "mjoa", "--answers", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert (payload["total"], payload["band"]) == (15, "mild")


def test_answers_file_json_human_output(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "visit.json"
    path.write_text(json.dumps({"grade": 2}), encoding="utf-8")
    result = runner.invoke(app, ["score", "nurick", "--answers", str(path)])
    assert result.exit_code == 0
    assert "Slight difficulty in walking" in result.stdout


def test_interactive_prompts(app: typer.Typer) -> None:
    result = runner.invoke(app, ["score", "mjoa", "--json"], input="5\n6\n3\n3\n")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["total"] == 17


def test_interactive_cluster_allows_unknown(app: typer.Typer) -> None:
    result = runner.invoke(app, ["score", "cook2010_dcm_cluster", "--json"], input="yes\nunknown\nno\nyes\nyes\n")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert (payload["total"], payload["total_min"], payload["total_max"]) == (None, 3, 4)


def test_bad_level_exits_2_naming_field_and_allowed(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({**MJOA_MAX, "micturition": 4}), encoding="utf-8")
    result = runner.invoke(app, ["score", "mjoa", "--answers", str(path)])
    assert result.exit_code == 2
    assert "mjoa.micturition" in result.stderr and "allowed" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_unknown_instrument_exits_2(app: typer.Typer) -> None:
    result = runner.invoke(app, ["score", "nurik", "--answers", "x.yaml"])
    assert result.exit_code == 2
    assert "did you mean 'nurick'" in result.stderr


def test_missing_name_exits_2(app: typer.Typer) -> None:
    result = runner.invoke(app, ["score"])
    assert result.exit_code == 2
    assert "NAME" in result.stderr


def test_unreadable_or_malformed_answers_file_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["score", "mjoa", "--answers", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    bad = tmp_path / "list.yaml"
    bad.write_text("- 1\n- 2\n", encoding="utf-8")
    shaped = runner.invoke(app, ["score", "mjoa", "--answers", str(bad)])
    assert shaped.exit_code == 2 and "mapping" in shaped.stderr
