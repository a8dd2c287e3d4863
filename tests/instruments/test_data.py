"""The shipped instrument files load, validate, and say what they could not verify."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from pydantic import ValidationError

from spinetriage.instruments import registry
from spinetriage.instruments._schema import Instrument, check_instrument

EXPECTED = {
    "mjoa",
    "p_mjoa",
    "nurick",
    "cook2010_dcm_cluster",
    "cook2011_lss_cluster",
    "konno_sshq",
    "grip_release_10s",
}


def _finding_ids() -> set[str]:
    text = resources.files("spinetriage.knowledge.data").joinpath("findings.yaml").read_text(encoding="utf-8")
    return {f["id"] for f in yaml.safe_load(text)["findings"]}


def test_registry_holds_every_instrument() -> None:
    assert set(registry()) == EXPECTED


def test_every_shipped_instrument_passes_meaning_checks() -> None:
    for spec in registry().values():
        assert check_instrument(spec) == [], spec.id


def test_mjoa_ranges_are_the_published_18_point_ones() -> None:
    items = {i.id: [lv.points for lv in i.levels] for i in registry()["mjoa"].items}
    assert items == {
        "upper_limb_motor": list(range(6)),
        "lower_limb_motor": list(range(8)),
        "upper_limb_sensation": list(range(4)),
        "micturition": list(range(4)),
    }


def test_mjoa_marks_the_upper_limb_top_level_as_not_seen_verbatim() -> None:
    ue = next(i for i in registry()["mjoa"].items if i.id == "upper_limb_motor")
    unseen = [lv.points for lv in ue.levels if not lv.wording_seen]
    assert unseen == [5]
    assert "13.11" in (ue.levels[5].note or "")


def test_p_mjoa_keeps_mjoa_items_and_points_and_flags_its_wording() -> None:
    mjoa, p_mjoa = registry()["mjoa"], registry()["p_mjoa"]
    assert [(i.id, [lv.points for lv in i.levels]) for i in p_mjoa.items] == [
        (i.id, [lv.points for lv in i.levels]) for i in mjoa.items
    ]
    assert [b.model_dump() for b in p_mjoa.bands] == [b.model_dump() for b in mjoa.bands]
    assert all(not lv.wording_seen for i in p_mjoa.items for lv in i.levels)


def test_cluster_links_name_real_engine_findings() -> None:
    known = _finding_ids()
    for name in ("cook2010_dcm_cluster", "cook2011_lss_cluster"):
        for item in registry()[name].items:
            assert item.link is not None
            assert set(item.link.findings) <= known, (name, item.id)


def test_every_published_likelihood_ratio_cites_a_reference() -> None:
    for spec in registry().values():
        for band in spec.bands:
            lr = band.likelihood_ratio
            if lr is not None and lr.published:
                assert lr.references, (spec.id, band.id)


def _mjoa_raw() -> dict[str, object]:
    text = resources.files("spinetriage.instruments.data").joinpath("mjoa.yaml").read_text(encoding="utf-8")
    raw: dict[str, object] = yaml.safe_load(text)
    return raw


def test_unknown_key_in_a_data_file_fails_at_load() -> None:
    raw = _mjoa_raw()
    raw["pointz"] = 3
    with pytest.raises(ValidationError):
        Instrument.model_validate(raw)


def test_meaning_check_reports_a_band_gap_and_an_unknown_reference() -> None:
    raw = _mjoa_raw()
    bands = raw["bands"]
    assert isinstance(bands, list)
    bands[1]["minimum"] = 13  # moderate now 13-14: gap at 12
    bands[0]["references"] = ["nobody2020"]
    problems = check_instrument(Instrument.model_validate(raw))
    assert any("gap" in p for p in problems)
    assert any("nobody2020" in p for p in problems)


def test_meaning_check_rejects_an_unpublished_lr_other_than_one() -> None:
    text = resources.files("spinetriage.instruments.data").joinpath("cook2010_dcm_cluster.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    raw["bands"][1]["likelihood_ratio"]["value"] = 2.5
    problems = check_instrument(Instrument.model_validate(raw))
    assert any("unpublished likelihood ratio must be 1" in p for p in problems)
