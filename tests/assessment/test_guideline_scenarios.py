"""Every guideline scenario answered as its source implies (issue 12, "How it is checked").

One test per scenario of tests/data/guideline-scenarios.yaml, each written from the guideline
or review it cites: the verdict, the leading condition, the red flags, the urgency, the first
investigation and the treatment direction. Scenarios the network does not yet answer as the
source does are strict expected failures, each saying which part fails and why, so that they
turn into errors the day they pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from spinetriage import assess

SCENARIOS = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "guideline-scenarios.yaml").read_text(encoding="utf-8")
)
# Metastatic cord compression is spinal malignancy compressing the cord (NICE NG234): its flag and
# condition answer for spinal_malignancy in scenarios written before it had an id of its own.
SAME_AS = {"metastatic_spinal_cord_compression": "spinal_malignancy"}
NOT_YET: dict[str, str] = {
    "gs02": "myelopathy with normal reflexes: myelopathy 9.9%, just below the 10% at which a cervical MRI is "
    "advised, so the verdict is other (the spine explains little of the imbalance); 29% from the symptoms alone. "
    "The four upper-motor-neuron signs absent together weigh 0.27 against Rhee 2009's 0.49 for none of them (no "
    "sign in 21% of myelopathy and 43% of controls): the background's signs are independent (docs/reasoning.md)",
    "gs06": "tandem stenosis: verdict both (59%), but lumbar stenosis (99%) leads myelopathy (97%), the "
    "scenario's lead",
    "gs08": "spinal infection with fever and raised markers reads emergency (the systemic-infection flag); the "
    "scenario's source grades it urgent",
    "gs11": "fracture after minor trauma on steroids reads urgent (the fracture flag); the scenario's source "
    "grades it soon",
    "gs15": "multiple sclerosis at 6% (prior 0.04%): a peripheral neuropathy explains the legs better",
    "gs19": "tandem stenosis with lumbar canal stenosis on MRI: lumbar stenosis explains the gait and the back pain, "
    "myelopathy 50% and lumbar 65% (docs/reasoning.md, Known limits); from the history alone it reads both",
}


def _answer(scenario: dict[str, Any]) -> dict[str, Any]:
    findings = {**(scenario["findings"] or {}), **(scenario["imaging_findings"] or {})}
    result = assess({"age": scenario["age"], "sex": scenario["sex"], "findings": findings}, setting=scenario["setting"])
    expected_lead = scenario["expected_leading_condition"]
    lead = next(c.id for c in result.conditions if c.id != "nonspecific_low_back_pain" or expected_lead == c.id)
    flags = {SAME_AS.get(f.condition, f.condition) for f in result.red_flags} | {f.id for f in result.red_flags}
    investigations = [w.id for w in result.workup if w.kind == "investigation"]
    return {
        "verdict": result.origin.verdict.value,
        "lead": SAME_AS.get(lead, lead) if expected_lead != lead else lead,
        "flags": flags,
        "urgency": result.urgency.value,
        "first_investigation": investigations[0] if investigations else None,
        "treatment": [t.id for t in result.treatment],
    }


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(s, id=s["id"], marks=pytest.mark.xfail(strict=True, reason=NOT_YET[s["id"]]))
        if s["id"] in NOT_YET
        else pytest.param(s, id=s["id"])
        for s in SCENARIOS
    ],
)
def test_scenario_is_answered_as_its_source_implies(scenario: dict[str, Any]) -> None:
    got = _answer(scenario)
    assert got["verdict"] == scenario["expected_origin"]
    if scenario["expected_leading_condition"] is not None:
        assert got["lead"] == scenario["expected_leading_condition"]
    assert set(scenario["expected_red_flags"]) <= got["flags"]
    assert got["urgency"] == scenario["expected_urgency"]
    assert got["first_investigation"] == scenario["expected_first_investigation"]
    assert scenario["expected_treatment"] in got["treatment"]
    if scenario["expected_treatment"] != "lumbar_self_management_exercise":
        assert "lumbar_self_management_exercise" not in got["treatment"][:1]


def test_every_expected_id_is_a_recommendation() -> None:
    from spinetriage.knowledge import default_knowledge

    kb = default_knowledge()
    for s in SCENARIOS:
        assert s["expected_first_investigation"] is None or s["expected_first_investigation"] in kb.workup, s["id"]
        assert s["expected_treatment"] in kb.treatment, s["id"]
