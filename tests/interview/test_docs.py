"""docs/interview.md shows the JSON a step really has."""

from __future__ import annotations

import json
import re
from pathlib import Path

from spinetriage.interview import next_step

DOC = Path(__file__).resolve().parents[2] / "docs" / "interview.md"


def test_documented_step_json_has_the_real_fields() -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert blocks, "docs/interview.md has no JSON example"
    text = re.sub(r"\.\.\.", "", blocks[0])
    documented = json.loads(text)
    real = next_step({"low_back_pain": "present", "clonus": "present"}, mode="clinician").to_dict()
    assert documented.keys() == real.keys()
    assert documented["question"].keys() == real["question"].keys()
    assert documented["implied"][0].keys() == real["implied"][0].keys()
    assert documented["implied"][0]["finding"] == real["implied"][0]["finding"]
    assert documented["question"]["finding"] == real["question"]["finding"]
    assert documented["question"]["reason"] == real["question"]["reason"]
