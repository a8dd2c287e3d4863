"""One knowledge bundle, one version (issue 12): every data file that can change a result is hashed."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from spinetriage.knowledge import KnowledgeBase, load_knowledge
from spinetriage.knowledge.loader import bundle_texts


def _copy_bundle(tmp_path: Path) -> Path:
    """The package's data directories (not the code) copied to ``tmp_path/<package>/data``."""
    root = Path(str(resources.files("spinetriage")))
    for data in sorted(root.glob("*/data")):
        shutil.copytree(
            data, tmp_path / data.parent.name / "data", ignore=shutil.ignore_patterns("*.py", "__pycache__")
        )
    return tmp_path


def test_the_bundle_holds_every_data_directory_but_the_knowledge_files() -> None:
    names = set(bundle_texts())
    for package in ("instruments", "interview", "text"):
        assert any(n.startswith(f"{package}/data/") for n in names), package
    assert not any(n.startswith("knowledge/") or n.endswith(".py") for n in names)


def test_a_copy_of_the_bundle_gives_the_shipped_version(tmp_path: Path, kb: KnowledgeBase) -> None:
    assert load_knowledge(bundle_root=_copy_bundle(tmp_path)).version == kb.version


def test_changing_an_instrument_ratio_changes_the_knowledge_version(tmp_path: Path, kb: KnowledgeBase) -> None:
    """Issue 12: the Cook 2010 ratio moved myelopathy from 24% to 9% while the version stayed the same."""
    bundle = _copy_bundle(tmp_path)
    cook = bundle / "instruments" / "data" / "cook2010_dcm_cluster.yaml"
    text = cook.read_text(encoding="utf-8")
    assert "30.9" in text
    cook.write_text(text.replace("30.9", "3.09", 1), encoding="utf-8")
    assert load_knowledge(bundle_root=bundle).version != kb.version


def test_changing_interview_or_text_data_changes_the_knowledge_version(tmp_path: Path, kb: KnowledgeBase) -> None:
    bundle = _copy_bundle(tmp_path)
    for package in ("interview", "text"):
        path = next(p for p in sorted((bundle / package / "data").rglob("*")) if p.is_file())
        original = path.read_text(encoding="utf-8")
        path.write_text(original + "\n# changed\n", encoding="utf-8")
        assert load_knowledge(bundle_root=bundle).version != kb.version, package
        path.write_text(original, encoding="utf-8")
    assert load_knowledge(bundle_root=bundle).version == kb.version
