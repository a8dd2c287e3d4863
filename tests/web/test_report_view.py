"""What the result page draws: formatting, chart geometry, arithmetic shown, quoted spans, printed sources."""

from __future__ import annotations

import math

import pytest

from spinetriage import assess
from spinetriage.knowledge import default_knowledge
from spinetriage.web.report_view import PRINTED_WEIGHT, build_report, logit, pct, signed

CASE = {
    "age": 64,
    "sex": "male",
    "findings": {
        "low_back_pain": "present",
        "hand_clumsiness": "present",
        "gait_disturbance": "present",
        "broad_based_gait": "present",
        "hoffmann_sign": "present",
        "sciatica": "absent",
        "fever": "present",
        "immunosuppression": "present",
    },
    "text": "Unsteady gait. Positive Hoffmann sign. No saddle anaesthesia.",
}


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.0, "0%"), (0.0004, "<0.1%"), (0.012, "1.2%"), (0.0999, "10.0%"), (0.5, "50%"), (0.996, ">99%")],
)
def test_percentages_never_round_to_a_false_certainty(p: float, text: str) -> None:
    assert pct(p) == text


def test_report_shows_the_arithmetic_and_draws_inside_the_chart() -> None:
    kb = default_knowledge()
    a = assess(CASE)
    report = build_report(a, kb, CASE["text"])
    by_id = {c.id: c for c in a.conditions}
    assert report.why, "the top conditions are explained"
    for block in report.why:
        condition = by_id[block.id]
        # the shown numbers are the engine's own: prior and posterior log-odds, and each row's exact weight
        assert signed(logit(condition.prior)) in block.summary
        assert signed(logit(condition.probability)) in block.summary
        assert pct(condition.probability) in block.summary
        for row, x in zip(block.rows, condition.contributions, strict=True):
            assert row.weight == signed(x.log_odds)
            assert row.neutral == (abs(x.log_odds) < PRINTED_WEIGHT)
        for row in block.rows:
            assert row.x >= 0.0 and row.x + row.width <= 100.0 + 1e-9
            assert (row.x >= 50.0) == row.up
    for row in report.conditions:
        assert 0.0 <= row.bar <= 100.0 and 0.0 <= row.prior_x <= 100.0
    assert math.isclose(sum(s.width for s in report.segments), 100.0, abs_tol=0.01)


def test_every_finding_counts_and_small_effects_stay_off_the_printed_page() -> None:
    report = build_report(assess(CASE), default_knowledge(), None)
    rows = [row for block in report.why for row in block.rows]
    assert rows and all(row.counted for row in rows), "in the network every finding counts (issue 11)"
    assert any(row.neutral for row in rows) and any(not row.neutral for row in rows)


def test_quoted_spans_are_marked_in_the_note() -> None:
    a = assess(CASE)
    report = build_report(a, default_knowledge(), CASE["text"])
    assert "".join(p.text for p in report.text_pieces) == CASE["text"]
    assert a.from_text, "the note names findings, so there are spans to mark"
    marked = {p.text for p in report.text_pieces if p.finding}
    assert {t.quote for t in a.from_text} <= marked


def test_red_flag_sources_are_printed() -> None:
    a = assess(CASE)
    report = build_report(a, default_knowledge(), None)
    assert report.flags, "fever with immunosuppression raises the infection flag"
    printed = {r.id for r in report.references if r.printed}
    for flag in a.red_flags:
        assert set(flag.sources) <= printed
    assert {r.id for r in report.references} == {r.id for r in a.references}


def test_a_decisive_ratio_is_written_as_a_word_not_300_digits() -> None:
    findings = {"low_back_pain": "present", "hand_clumsiness": "present", "broad_based_gait": "present"}
    a = assess({"age": 66, "sex": "male", "findings": findings})
    report = build_report(a, default_knowledge(), None)
    ratios = [row.ratio for block in report.why for row in block.rows]
    assert ratios and max(len(r) for r in ratios) <= 8, ratios
    # back pain all but decides non-specific back pain (its share is the complaint itself)
    assert any(x.likelihood_ratio >= 1000 for c in a.conditions for x in c.contributions)
    assert "decisive" in ratios and not any("e+29" in r or "e+30" in r for r in ratios)


def test_an_other_verdict_from_beyond_neck_and_back_labels_the_unexplained_share_as_such() -> None:
    """The verdict is other while the bar's largest share is what nothing modelled explains: that share
    is labelled for what it is, not "Undetermined", which would contradict the verdict above it."""
    case = {"age": 70, "findings": {"gait_disturbance": "present", "cognitive_decline": "present"}}
    a = assess(case)
    report = build_report(a, default_knowledge(), None)
    assert report.verdict_label == "Other cause"
    unexplained = next(s for s in report.segments if s.origin == "undetermined")
    assert unexplained.label == "Nothing modelled explains it"
    assert unexplained.probability == pct(a.origin.probabilities["undetermined"])


def test_a_condition_a_red_flag_names_is_marked_and_printed_however_low() -> None:
    """A clinician reviewer read 'infection 0.2%' under an infection flag as a contradiction: the row says
    the flag decides, and stays on the printed page even under 1%."""
    a = assess(CASE)
    report = build_report(a, default_knowledge(), None)
    rows = {row.id: row for row in report.conditions}
    flagged = {flag.condition for flag in a.red_flags}
    assert "spinal_infection" in flagged
    infection = rows["spinal_infection"]
    assert infection.flagged and not infection.minor
    assert not any(row.flagged for row in report.conditions if row.id not in flagged)


def test_conditions_a_red_flag_names_lead_the_list_and_the_explanations() -> None:
    """Serious pathology leads the answer whatever the probabilities say (DESIGN.md): infection on imaging
    stood seventh at 0.5% under non-specific back pain at 91%, beneath its own emergency flag (clinician
    review). The assessment's own list stays in probability order."""
    a = assess({"age": 45, "findings": {"low_back_pain": "present", "spinal_infection_on_imaging": "present"}})
    assert a.conditions[0].id == "nonspecific_low_back_pain"
    report = build_report(a, default_knowledge(), None)
    assert report.conditions[0].id == "spinal_infection"
    assert report.why[0].id == "spinal_infection"
    rest = [row for row in report.conditions[1:]]
    assert [row.id for row in rest] == [c.id for c in a.conditions if c.id != "spinal_infection"]


def test_a_condition_nothing_recorded_bears_on_is_marked_as_resting_on_its_prior() -> None:
    """Lumbar radiculopathy at the spine clinic's 25% in a patient with arm pain alone read as a differential
    (a clinician's critique): the row says the probability is the prior."""
    a = assess({"age": 55, "sex": "male", "findings": {"radicular_arm_pain": "present"}}, setting="spine_clinic")
    rows = {row.id: row for row in build_report(a, default_knowledge(), None).conditions}
    assert rows["lumbar_radiculopathy"].prior_only
    assert not rows["cervical_radiculopathy"].prior_only


def test_a_condition_moved_through_another_is_not_said_to_rest_on_its_prior() -> None:
    """Lumbar stenosis rises with myelopathy (tandem stenosis) though no finding of its own bears on it: a
    blind review read '(prior only)' beside 45% as wrong. Age alone still leaves a fracture on its prior."""
    findings = dict.fromkeys(["hand_clumsiness", "gait_disturbance", "hoffmann_sign"], "present")
    a = assess({"age": 70, "sex": "male", "findings": findings}, setting="spine_clinic")
    rows = {row.id: row for row in build_report(a, default_knowledge(), None).conditions}
    assert not rows["lumbar_spinal_stenosis"].prior_only
    assert rows["vertebral_fracture"].prior_only


def test_with_no_complaint_recorded_the_page_shows_no_origin_strip_and_says_what_it_assumes() -> None:
    a = assess({"age": 75, "findings": {"claudication_relieved_standing": "present"}})
    report = build_report(a, default_knowledge(), None)
    assert report.segments == [] and report.assumed_note is not None
    stated = assess({"age": 75, "findings": {"low_back_pain": "present", "claudication_relieved_standing": "present"}})
    shown = build_report(stated, default_knowledge(), None)
    assert shown.segments and shown.assumed_note is None


def test_the_result_page_lists_the_red_flag_questions_not_yet_answered() -> None:
    kb = default_knowledge()
    a = assess(CASE)
    report = build_report(a, kb, CASE["text"])
    assert report.red_flag_screen == [s.question or s.label for s in a.red_flag_screen]
    assert kb.findings["history_of_cancer"].patient_question in report.red_flag_screen
    assert kb.findings["fever"].patient_question not in report.red_flag_screen  # answered: present
