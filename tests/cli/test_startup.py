"""Issue 13, item 11: start-up loads only what the command needs (benchmarks/startup.py measures it;
this checks what is imported, which does not depend on the machine's speed)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "spinetriage.assessment",
    "spinetriage.engine",
    "spinetriage.knowledge",
    "spinetriage.interview",
    "spinetriage.instruments",
    "spinetriage.text",
    "spinetriage.web.app",
    "fastapi",
    "sqlalchemy",
    "argon2",
)  # not pydantic: Typer itself imports it for some option types


def loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return [m for m in json.loads(out.splitlines()[-1]) if m.startswith(HEAVY)]


@pytest.mark.parametrize(
    "code",
    [
        "import spinetriage",
        "import spinetriage.cli",
        "import sys; sys.argv = ['spinetriage', '--help']\nfrom spinetriage.cli import main\n"
        "try: main()\nexcept SystemExit: pass",
        "import sys; sys.argv = ['spinetriage', 'serve', '--help']\nfrom spinetriage.cli import main\n"
        "try: main()\nexcept SystemExit: pass",
    ],
    ids=["import", "import-cli", "help", "serve-help"],
)
def test_start_up_loads_no_knowledge_reasoning_or_web_app(code: str) -> None:
    assert loaded_after(code) == []


def test_the_public_names_still_load_on_first_use() -> None:
    import spinetriage

    assert spinetriage.assess(spinetriage.Case()).knowledge_version
    assert "assess" in dir(spinetriage)


def test_interview_option_defaults_match_the_constants_they_stand_for() -> None:
    from spinetriage.assessment import DEFAULT_SETTING
    from spinetriage.cli import interview as cli
    from spinetriage.interview.engine import DEFAULT_MAX_QUESTIONS
    from spinetriage.interview.simulation import DEFAULT_N, DEFAULT_SEED

    assert (cli.DEFAULT_SETTING, cli.DEFAULT_MAX_QUESTIONS, cli.DEFAULT_N, cli.DEFAULT_SEED) == (
        DEFAULT_SETTING,
        DEFAULT_MAX_QUESTIONS,
        DEFAULT_N,
        DEFAULT_SEED,
    )
