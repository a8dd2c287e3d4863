"""Numbers that decide presence (text/data/thresholds.yaml), issue 16."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinetriage.errors import KnowledgeError
from spinetriage.text import _thresholds, extract


def _status(text: str, finding: str) -> str | None:
    return extract(text).findings.get(finding)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("3 beats of clonus at the left ankle.", "absent"),
        ("Clonus: 3 beats.", "absent"),
        ("There were 2 beats of non-sustained clonus at both ankles.", "absent"),
        ("Four beats of clonus at the left ankle.", "present"),
        ("Clonus >3 beats R.", "present"),
        ("Ankle clonus of 10 beats was elicited on the right.", "present"),
        ("Sustained clonus at the right ankle.", "present"),  # no number: the words decide
        ("Unsustained clonus bilat.", "absent"),
    ],
)
def test_clonus_needs_more_than_three_beats(text: str, status: str) -> None:
    assert _status(text, "clonus") == status


@given(st.integers(min_value=0, max_value=20), st.sampled_from(["{n} beats of clonus.", "Clonus: {n} beats."]))
def test_clonus_beats_cut_at_three(n: int, template: str) -> None:
    assert _status(template.format(n=n), "clonus") == ("present" if n > 3 else "absent")


@given(st.integers(min_value=10, max_value=99))
def test_slr_angle_cut_at_seventy(angle: int) -> None:
    assert _status(f"SLR {angle} degrees on the left.", "straight_leg_raise_positive") == (
        "present" if angle < 70 else "absent"
    )


@pytest.mark.parametrize(
    ("text", "finding", "status"),
    [
        ("SLR 80°/80°.", "straight_leg_raise_positive", "absent"),
        ("SLR L 40 deg reproducing calf pain, R 80 deg.", "straight_leg_raise_positive", "present"),
        ("Straight leg raise was full to 90 degrees bilaterally.", "straight_leg_raise_positive", "absent"),
        # positive only when it reproduces leg pain: back pain or tight hamstrings alone are negative at any angle
        ("SLR L 60 deg with back pain only (not leg).", "straight_leg_raise_positive", "absent"),
        ("Straight leg raise to 50 degrees, tight hamstrings only.", "straight_leg_raise_positive", "absent"),
        ("PVR 450 ml.", "urinary_retention", "present"),
        ("Post-void residual was 40 ml.", "urinary_retention", "absent"),
        ("PVR 150 ml.", "urinary_retention", None),  # between the cut-offs: nothing said
        ("T 38.4, HR 110.", "fever", "present"),
        ("Temperature 36.8, HR 78.", "fever", "absent"),
        ("Temp 37.7.", "fever", None),
        ("ESR 90 CRP 120.", "elevated_inflammatory_markers", "present"),
        ("CRP 3.", "elevated_inflammatory_markers", "absent"),
        ("CRP <5.", "elevated_inflammatory_markers", "absent"),
        # the MoCA's cut-off (Nasreddine 2005): under 26 of 30 is impairment
        ("Cognition: MoCA 20/30 with deficits in recall.", "cognitive_decline", "present"),
        ("MoCA 28/30.", "cognitive_decline", "absent"),
    ],
)
def test_numbers_decide(text: str, finding: str, status: str | None) -> None:
    assert _status(text, finding) == status


def test_a_number_does_not_overrule_a_hypothetical() -> None:
    """Only present and absent mentions take the number's verdict."""
    statuses = {m.status.value for m in extract("Return if you develop clonus of 5 beats.").mentions}
    assert statuses == {"hypothetical"}


def test_every_rule_cites_a_source() -> None:
    for rule in _thresholds.load_thresholds():
        assert rule.regexes and rule.finding


def test_overlapping_cut_offs_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _thresholds.load_yaml

    def fake(text: str) -> object:
        data = real(text)
        if isinstance(data, dict) and "rules" in data and data["rules"] and "present_if" in data["rules"][0]:
            data["rules"][0]["absent_if"] = {"op": "le", "value": 10}
        return data

    monkeypatch.setattr(_thresholds, "load_yaml", fake)
    _thresholds.load_thresholds.cache_clear()
    try:
        with pytest.raises(KnowledgeError, match="overlap"):
            _thresholds.load_thresholds()
    finally:
        monkeypatch.undo()
        _thresholds.load_thresholds.cache_clear()


@given(
    st.integers(min_value=0, max_value=5),
    st.sampled_from(["Power in L leg now {n}/5.", "LL power {n}/5 bilaterally.", "power of the right leg {n}/5"]),
)
def test_leg_power_below_five_of_five_is_weakness(n: int, template: str) -> None:
    assert _status(template.format(n=n), "leg_weakness") == ("present" if n < 5 else "absent")


@pytest.mark.parametrize(
    ("text", "legs", "hands"),
    [
        ("Neuro obs: power 5/5 in all four limbs, sensation intact.", "absent", "absent"),
        ("Motor: power 5/5 throughout, no wasting.", "absent", "absent"),
        ("Power 5/5 throughout BLE.", "absent", None),  # throughout the legs only
        ("Power 4+/5 throughout.", "present", "present"),
        ("Grip 4/5 on the right.", None, "present"),
    ],
)
def test_power_said_of_all_four_limbs_or_of_the_grip(text: str, legs: str | None, hands: str | None) -> None:
    assert (_status(text, "leg_weakness"), _status(text, "hand_weakness")) == (legs, hands)


def test_searching_only_around_keywords_finds_every_match() -> None:
    """Each rule runs only within KEYWORD_REACH of its keywords (every match contains one): on the gold
    texts and a long padded note, that finds exactly what searching the whole text finds."""
    from .scoring import load_jsonl

    texts = [i["text"].lower() for name in ("sentences.jsonl", "notes.jsonl") for i in load_jsonl(name)]
    texts.append(("no leg weakness. " * 40 + "power 4/5 in the left leg; clonus 5 beats; slr 40 deg. ") * 3)
    for rule in _thresholds.load_thresholds():
        for low in texts:
            windows = _thresholds._around(low, rule.keywords) if rule.keywords else [(0, len(low))]
            for rx in (*rule.regexes, *rule.absent_when):
                whole = [m.span() for m in rx.finditer(low)]
                around = [m.span() for a, b in windows for m in rx.finditer(low, a, b)]
                assert around == whole, (rule.finding, rx.pattern[:40])


@given(
    st.integers(min_value=0, max_value=5),
    st.sampled_from(
        ["Power in L leg now {n}/5.", "LL power {n}/5.", "EHL {n}/5 on the right.", "R ankle dorsiflexion {n}/5."]
    ),
)
def test_leg_power_of_three_or_less_is_severe_weakness(n: int, template: str) -> None:
    """MRC 3/5 or less is severe (a foot drop, NHS Lothian); under 5 is weakness."""
    text = template.format(n=n)
    if n < 5:
        assert _status(text, "leg_weakness") == "present"
    severe = _status(text, "severe_leg_weakness")
    if n <= 3:
        assert severe == "present"
    else:
        assert severe != "present"


@pytest.mark.parametrize("text", ["New R foot drop since Tuesday.", "She has a left drop foot."])
def test_a_foot_drop_is_severe_leg_weakness(text: str) -> None:
    assert _status(text, "severe_leg_weakness") == "present"
    assert _status(text, "leg_weakness") == "present"
