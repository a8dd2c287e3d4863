"""Issue 13, item 15: the README starts with a virtual environment, and every Markdown file the
README and the code point to is in the repository (docs/instruments.md and docs/interview.md also
cite the project's evidence notes, kept outside the repository: not checked here)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MENTION = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.md)\b")


def _mentions() -> list[tuple[Path, str]]:
    sources = [ROOT / "README.md", ROOT / "docs" / "architecture.md", *sorted((ROOT / "src").rglob("*.py"))]
    return [(path, name) for path in sources for name in MENTION.findall(path.read_text(encoding="utf-8"))]


def test_every_markdown_file_mentioned_exists() -> None:
    missing = [
        f"{path.relative_to(ROOT)} -> {name}"
        for path, name in _mentions()
        if name != "CHANGELOG.md" and not any((base / name).is_file() for base in (ROOT, ROOT / "docs", path.parent))
    ]
    assert missing == []


def test_the_readme_makes_a_virtual_environment_before_the_first_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("python3 -m venv .venv") < readme.index("pip install")
    assert (ROOT / "docs" / "architecture.md").is_file()
