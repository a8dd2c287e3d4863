"""A synthetic population for scale tests and demos: patients sampled from the model,
their findings written as clinical notes in varied styles, with the truth kept.

    >>> from spinetriage.screening.synthetic import generate
    >>> patients = list(generate(100, seed=0, myelopathy_share=0.1))

How a patient is made (the causal network, :mod:`spinetriage.engine.sampling`, the same as
``spinetriage simulate``): each condition present with its prevalence for the setting,
independently (``myelopathy_share``, if given, replaces the prevalence of degenerative
cervical myelopathy so that a small population still holds enough cases); then every
history, examination and imaging finding the network links to a condition, drawn from its
noisy-OR given the conditions drawn, and the implication rules enforced.
Imaging is on record for a share of patients only (a cervical MRI for
``cervical_imaging_share``, a lumbar MRI for ``lumbar_imaging_share``).

How the notes are written: every present finding and about a quarter of the absent ones
(the pertinent negatives; every imaging finding, as a report lists what it looked
at) are shared out over one to four notes on increasing dates, each
note in one of several styles (narrative, SOAP, a terse list, a referral letter; imaging
as a report with findings and impression). Every sentence comes from a phrase of the text
extractor's own vocabulary in a template that was checked, when the generator starts,
to read back as exactly that finding and status; findings with no such sentence are
left out of the notes (``written`` says which were written). Some patients get an early
note that says the opposite of one finding, which a later note corrects (later wins),
to exercise conflict reporting.

Patient ``i`` depends only on ``(seed, i)``: the same seed gives the same patients at any
population size, and a population of any size streams without being held in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from spinetriage.assessment import DEFAULT_SETTING
from spinetriage.engine.sampling import sample_findings
from spinetriage.errors import InputError
from spinetriage.interview.implications import default_rules
from spinetriage.interview.simulation import enforce_implications
from spinetriage.text import extract
from spinetriage.vocab import FindingKind, Region, Status
from spinetriage.yaml_reader import load_yaml

__all__ = ["SyntheticPatient", "generate", "write_population"]

MYELOPATHY = "degenerative_cervical_myelopathy"
_START = dt.date(2024, 1, 1)
_ABSENT_WRITTEN = 0.25
_CONTRADICTED = 0.1
_PHRASES_PER_FINDING = 4


@dataclass(frozen=True, slots=True)
class SyntheticPatient:
    """One generated patient: the truth, and the notes that describe it."""

    patient_id: str
    conditions: tuple[str, ...]
    findings: dict[str, Status]
    written: dict[str, Status]
    cervical_imaging: bool
    notes: list[dict[str, str]]

    @property
    def myelopathy(self) -> bool:
        return MYELOPATHY in self.conditions

    def truth(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id,
            "conditions": list(self.conditions),
            "myelopathy": self.myelopathy,
            "cervical_imaging": self.cervical_imaging,
            "findings": {f: s.value for f, s in sorted(self.findings.items())},
            "written": {f: s.value for f, s in sorted(self.written.items())},
        }


# ---------------------------------------------------------------- sentences

_PRESENT = {
    FindingKind.HISTORY: ["Reports {p}.", "Complains of {p}.", "c/o {p}.", "{P}.", "Describes {p}."],
    FindingKind.EXAM: ["{P} present.", "{P} noted.", "Positive {p}.", "{P} on examination."],
    FindingKind.TEST: ["{P}.", "Bloods: {p}."],
}
_ABSENT = {
    FindingKind.HISTORY: ["Denies {p}.", "No {p}.", "No history of {p}."],
    FindingKind.EXAM: ["No {p}.", "{P} absent.", "{P}: negative."],
    FindingKind.TEST: ["No {p}."],
}
_IMAGING_PRESENT = ["{level} {p}.", "At {level} there is {p}.", "{P} at {level}."]
_IMAGING_ABSENT = ["No {p}.", "No evidence of {p}."]
_EXTRA_PHRASES = {
    "hyperreflexia_upper": ["brisk biceps and triceps reflexes", "hyperreflexia in the arms", "brisk biceps reflexes"],
    "hyperreflexia_lower": ["brisk knee and ankle reflexes", "hyperreflexia in the legs", "brisk knee reflexes"],
}
"""Findings the targets name only by pattern (reflex grades), in words those patterns match."""
_LEVELS = {Region.CERVICAL_SPINE: ["C5-6", "C4-5", "C6-7"], Region.LUMBAR_SPINE: ["L4-5", "L3-4", "L5-S1"]}


@dataclass(frozen=True, slots=True)
class _Sentences:
    present: tuple[str, ...]
    absent: tuple[str, ...]


def _targets() -> list[dict[str, Any]]:
    text = (resources.files("spinetriage.text") / "data" / "targets.yaml").read_text(encoding="utf-8")
    targets: list[dict[str, Any]] = load_yaml(text)["targets"]
    return targets


def _phrases() -> dict[str, list[str]]:
    """Plain phrases per finding (entries naming one finding, with no polarity or status limits)."""
    out: dict[str, list[str]] = {f: list(p) for f, p in _EXTRA_PHRASES.items()}
    for entry in _targets():
        if entry.get("polarity") or entry.get("only_status") or entry.get("by_limb"):
            continue
        if len(entry.get("findings", [])) == 1 and not entry.get("by_region"):
            out.setdefault(entry["findings"][0], []).extend(entry.get("phrases", []))
        for ids in (entry.get("by_region") or {}).values():
            if len(ids) == 1:
                out.setdefault(ids[0], []).extend(entry.get("phrases", []))
    return out


def _reads_as(sentence: str, finding: str, status: str) -> bool:
    return extract(sentence).findings == {finding: status}


@cache
def sentences() -> dict[str, _Sentences]:
    """Sentences per finding that read back as exactly that finding and status."""
    from spinetriage.assessment import default_model

    kb = default_model().knowledge
    out: dict[str, _Sentences] = {}
    for finding, phrases in sorted(_phrases().items()):
        if finding not in kb.findings:
            continue
        kind = kb.findings[finding].kind
        region = kb.findings[finding].region
        present: list[str] = []
        absent: list[str] = []
        for phrase in phrases[:_PHRASES_PER_FINDING]:
            capital = phrase[:1].upper() + phrase[1:]
            if kind is FindingKind.IMAGING:
                levels = _LEVELS.get(region, ["C5-6"])
                yes = [t.format(p=phrase, P=capital, level=levels[0]) for t in _IMAGING_PRESENT]
                no = [t.format(p=phrase, P=capital) + f" ({levels[0]})" for t in _IMAGING_ABSENT]
            else:
                yes = [t.format(p=phrase, P=capital) for t in _PRESENT[kind]]
                no = [t.format(p=phrase, P=capital) for t in _ABSENT[kind]]
            present += [s for s in yes if _reads_as(s, finding, "present")]
            absent += [s for s in no if _reads_as(s, finding, "absent")]
        if present or absent:
            out[finding] = _Sentences(tuple(present), tuple(absent))
    return out


# ---------------------------------------------------------------- patients


def generate(
    n: int,
    *,
    seed: int = 0,
    setting: str = DEFAULT_SETTING,
    myelopathy_share: float | None = None,
    cervical_imaging_share: float = 0.15,
    lumbar_imaging_share: float = 0.25,
    start: int = 0,
) -> Iterator[SyntheticPatient]:
    """Patients ``start`` .. ``start + n - 1`` of the population of ``seed`` (see the module docstring)."""
    from spinetriage.interview.engine import model_for

    if n < 0:
        raise InputError("--patients", "must not be negative", "0 or more")
    for name, share in (
        ("--myelopathy-share", myelopathy_share),
        ("cervical_imaging_share", cervical_imaging_share),
        ("lumbar_imaging_share", lumbar_imaging_share),
    ):
        if share is not None and not 0.0 <= share <= 1.0:
            raise InputError(name, f"{share} is not a share", "a number from 0 to 1")
    model = model_for(setting)
    kb = model.knowledge
    if setting not in kb.settings:
        raise InputError("--setting", f"unknown setting '{setting}'", ", ".join(kb.settings))
    names = list(model.conditions)
    priors = [kb.prior(setting, c).probability for c in names]
    if myelopathy_share is not None:
        priors[names.index(MYELOPATHY)] = myelopathy_share
    kinds = {FindingKind.HISTORY, FindingKind.EXAM, FindingKind.IMAGING, FindingKind.TEST}
    modelled = sorted(f for f, x in kb.findings.items() if x.kind in kinds and model.parents.get(f))
    rules = default_rules(kb)
    written_forms = sentences()
    for number in range(start, start + n):
        rng = random.Random(f"spinetriage-population:{seed}:{number}")
        present = {i for i, p in enumerate(priors) if rng.random() < p}
        drawn = sample_findings(model, present, modelled, rng)
        sampled = {f: Status.PRESENT if is_present else Status.ABSENT for f, is_present in drawn.items()}
        findings = enforce_implications(sampled, rules)
        cervical = rng.random() < cervical_imaging_share
        lumbar = rng.random() < lumbar_imaging_share
        for f in list(findings):
            x = kb.findings[f]
            if x.kind is FindingKind.IMAGING and not (
                (x.region is Region.CERVICAL_SPINE and cervical) or (x.region is Region.LUMBAR_SPINE and lumbar)
            ):
                del findings[f]
        patient_id = f"P{seed:04d}-{number:08d}"
        notes, written = _notes(rng, patient_id, findings, written_forms, kb.findings)
        yield SyntheticPatient(
            patient_id=patient_id,
            conditions=tuple(names[i] for i in sorted(present)),
            findings=findings,
            written=written,
            cervical_imaging=cervical,
            notes=notes,
        )


def _notes(
    rng: random.Random,
    patient_id: str,
    findings: dict[str, Status],
    forms: dict[str, _Sentences],
    catalogue: dict[str, Any],
) -> tuple[list[dict[str, str]], dict[str, Status]]:
    chosen: list[tuple[str, Status, str]] = []
    for f, status in sorted(findings.items()):
        if f not in forms:
            continue
        options = forms[f].present if status is Status.PRESENT else forms[f].absent
        reported = catalogue[f].kind is FindingKind.IMAGING  # a report names what it looked at
        if not options or (status is Status.ABSENT and not reported and rng.random() >= _ABSENT_WRITTEN):
            continue
        chosen.append((f, status, rng.choice(options)))
    rng.shuffle(chosen)
    imaging = {
        region: [c for c in chosen if catalogue[c[0]].kind is FindingKind.IMAGING and catalogue[c[0]].region is region]
        for region in (Region.CERVICAL_SPINE, Region.LUMBAR_SPINE)
    }
    clinical = [c for c in chosen if catalogue[c[0]].kind is not FindingKind.IMAGING]
    n_notes = rng.randint(1, 4) if clinical else 0
    groups: list[list[tuple[str, Status, str]]] = [[] for _ in range(n_notes)]
    for i, item in enumerate(clinical):
        groups[i % n_notes if i < n_notes else rng.randrange(n_notes)].append(item)
    day = _START + dt.timedelta(days=rng.randrange(700))
    notes: list[dict[str, str]] = []

    def add(text: str) -> None:
        nonlocal day
        notes.append(
            {
                "patient_id": patient_id,
                "note_id": f"{patient_id}-n{len(notes) + 1}",
                "date": day.isoformat(),
                "text": text,
            }
        )
        day += dt.timedelta(days=rng.randint(7, 120))

    if clinical and rng.random() < _CONTRADICTED:
        f, status, _ = rng.choice(clinical)
        opposite = forms[f].absent if status is Status.PRESENT else forms[f].present
        if opposite:
            add(_style(rng, [(f, status, rng.choice(opposite))]))
    for group in groups:
        add(_style(rng, group))
    for region, items in imaging.items():
        if items:
            add(_report(rng, region, items))
    return notes, {f: s for f, s, _ in chosen}


def _style(rng: random.Random, items: list[tuple[str, Status, str]]) -> str:
    sentences_ = [s for _, _, s in items]
    style = rng.choice(("narrative", "soap", "list", "letter"))
    if style == "narrative":
        return " ".join(sentences_) or "Seen today. Nothing new."
    if style == "soap":
        half = len(sentences_) // 2
        return (
            "S: " + " ".join(sentences_[:half] or ["Review."]) + "\nO: " + " ".join(sentences_[half:]) + "\nP: review"
        )
    if style == "list":
        return "Problems:\n" + "\n".join(f"- {s}" for s in sentences_)
    return "Dear colleague,\n\nThank you for seeing this patient. " + " ".join(sentences_) + "\n\nKind regards"


def _report(rng: random.Random, region: Region, items: list[tuple[str, Status, str]]) -> str:
    title = "MRI CERVICAL SPINE" if region is Region.CERVICAL_SPINE else "MRI LUMBAR SPINE"
    return f"{title}\n\nFINDINGS:\n" + "\n".join(s for _, _, s in items) + "\n"


# ---------------------------------------------------------------- files


def write_population(
    n: int,
    notes_path: Path,
    truth_path: Path | None = None,
    *,
    seed: int = 0,
    setting: str = DEFAULT_SETTING,
    myelopathy_share: float | None = None,
) -> tuple[int, int]:
    """Write the notes (JSONL or Parquet by suffix) and the truth (JSONL); (patients, notes) written."""
    suffix = notes_path.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".parquet"):
        raise InputError("--out", f"cannot write '{suffix or notes_path.name}'", "a .jsonl or .parquet file")
    patients = generate(n, seed=seed, setting=setting, myelopathy_share=myelopathy_share)
    count_patients = count_notes = 0
    truth = truth_path.open("w", encoding="utf-8") if truth_path is not None else None
    try:
        if suffix == ".parquet":
            import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
            import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

            schema = pa.schema([(c, pa.string()) for c in ("patient_id", "note_id", "date", "text")])
            with pq.ParquetWriter(notes_path, schema) as writer:
                batch: list[dict[str, str]] = []
                for patient in patients:
                    count_patients += 1
                    count_notes += len(patient.notes)
                    batch.extend(patient.notes)
                    if truth is not None:
                        truth.write(json.dumps(patient.truth()) + "\n")
                    if len(batch) >= 4096:
                        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                        batch = []
                if batch:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        else:
            with notes_path.open("w", encoding="utf-8") as out:
                for patient in patients:
                    count_patients += 1
                    count_notes += len(patient.notes)
                    out.writelines(json.dumps(note) + "\n" for note in patient.notes)
                    if truth is not None:
                        truth.write(json.dumps(patient.truth()) + "\n")
    finally:
        if truth is not None:
            truth.close()
    return count_patients, count_notes
