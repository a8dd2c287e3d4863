"""General mechanisms and word forms added for recall on text written apart from the rules (issue 16)."""

from __future__ import annotations

from spinetriage.text import extract


def _pairs(text: str) -> set[tuple[str, str]]:
    return {(m.finding, m.status.value) for m in extract(text).mentions}


# ---------------------------------------------------------------- the region of cord compression
def test_cord_compression_at_a_thoracic_level_is_thoracic_whatever_the_wording() -> None:
    assert _pairs("T7-8 disc protrusion indenting the ventral cord.") == {
        ("thoracic_cord_compression_on_imaging", "present")
    }
    assert ("cervical_cord_compression", "present") in _pairs("C5-6 disc protrusion indenting the ventral cord.")


def test_a_denied_cord_compression_takes_its_region_too() -> None:
    assert _pairs("The thoracic cord is not compressed.") == {("thoracic_cord_compression_on_imaging", "absent")}
    assert _pairs("At C4-5 the cord is not compressed.") == {("cervical_cord_compression", "absent")}


def test_two_verbs_can_share_the_cord() -> None:
    assert ("thoracic_cord_compression_on_imaging", "present") in _pairs(
        "Disc herniation at T10-T11 compresses and deforms the spinal cord."
    )


# ---------------------------------------------------------------- metastases
def test_metastases_with_a_spinal_level_are_the_spines() -> None:
    assert _pairs("Widespread metastatic disease with pathological fractures of T5 and L1.") >= {
        ("spinal_metastasis_on_imaging", "present")
    }
    assert ("history_of_cancer", "present") not in _pairs("Lesions at T9 and T11 in keeping with metastases.")
    assert _pairs("Epidural mass at T10, probably metastatic.") == {("spinal_metastasis_on_imaging", "possible")}


def test_metastases_without_a_site_stay_a_cancer_history() -> None:
    assert _pairs("Known metastases, on chemotherapy.") == {("history_of_cancer", "present")}
    assert _pairs("62-year-old with metastatic breast cancer and thoracic back pain.") >= {
        ("history_of_cancer", "present")
    }
    assert ("spinal_metastasis_on_imaging", "present") not in _pairs(
        "62-year-old with metastatic breast cancer and thoracic back pain."
    )


def test_a_colon_no_leaves_no_evidence_of_whole() -> None:
    """Mid-line "Findings: no evidence of X": "evidence of" (affirming) must not outrank the denial."""
    assert _pairs("Clinical: back pain. Findings: no evidence of metastatic disease.") == {
        ("low_back_pain", "present"),
        ("spinal_metastasis_on_imaging", "absent"),
    }
