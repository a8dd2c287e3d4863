"""Read the knowledge files shipped in the package and validate them as a whole.

Shape errors (pydantic) and meaning errors (unknown identifiers, unresolved
references, incoherent likelihood ratios, incomplete priors, gaps in age bands) are
all collected and raised together in one :class:`KnowledgeError`, each naming the
file and the identifier at fault, as pgmpy's ``check_model`` does for a network.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from spinetriage.errors import KnowledgeError
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.schema import (
    AgeEvidence,
    Cited,
    Condition,
    EvidenceGroup,
    Finding,
    Indication,
    InstrumentRule,
    Likelihood,
    NetworkStructure,
    NotRecommended,
    Prior,
    Recommendation,
    RecordedOnly,
    RedFlag,
    Reference,
    Setting,
    SexEvidence,
    SuspectedUrgency,
    Threshold,
)
from spinetriage.vocab import FindingKind
from spinetriage.yaml_reader import load_yaml

FILES = (
    "references.yaml",
    "settings.yaml",
    "conditions.yaml",
    "findings.yaml",
    "priors.yaml",
    "likelihoods.yaml",
    "groups.yaml",
    "red_flags.yaml",
    "recommendations.yaml",
    "network.yaml",
    "recorded_only.yaml",
)
ADULT_AGE_START = 18
AGE_END = 131

M = TypeVar("M", bound=BaseModel)


@cache
def default_knowledge() -> KnowledgeBase:
    """The knowledge base shipped with this version of spinetriage (loaded once)."""
    root = resources.files("spinetriage.knowledge") / "data"
    texts = {name: (root / name).read_text(encoding="utf-8") for name in FILES}
    return build_knowledge(texts)


def load_knowledge(directory: Path | None = None, *, bundle_root: Path | None = None) -> KnowledgeBase:
    """Load and validate a knowledge base; ``None`` means the one shipped in the package.

    ``bundle_root`` holds the other data directories that enter the version
    (``<package>/data/...``, as under ``src/spinetriage``); ``None`` means the ones
    shipped in the package.
    """
    if directory is None and bundle_root is None:
        return default_knowledge()
    source = directory if directory is not None else Path(str(resources.files("spinetriage.knowledge") / "data"))
    texts = {}
    for name in FILES:
        path = source / name
        if not path.is_file():
            raise KnowledgeError([f"{name}: file missing from {source}"])
        texts[name] = path.read_text(encoding="utf-8")
    return build_knowledge(texts, bundle=None if bundle_root is None else bundle_texts(bundle_root))


def bundle_texts(root: Traversable | Path | None = None) -> dict[str, str]:
    """Every other data file that can change a result, keyed ``<package>/data/<path>``.

    Instruments (their items, bands and likelihood ratios), interview wording and
    implications, text-extraction rules: each lives in a ``data`` directory of a
    spinetriage subpackage and is hashed into the knowledge version with the
    knowledge files, so that an assessment's ``knowledge_version`` pins all of it.
    Python files and caches are not data. ``root`` defaults to the installed package.
    """
    base: Traversable = resources.files("spinetriage") if root is None else root
    texts: dict[str, str] = {}
    for package in sorted(base.iterdir(), key=lambda p: p.name):
        if package.name == "knowledge" or not package.is_dir():
            continue
        data = package / "data"
        if data.is_dir():
            for relative, item in _data_files(data, f"{package.name}/data"):
                texts[relative] = item.read_text(encoding="utf-8")
    return texts


def _data_files(directory: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for item in sorted(directory.iterdir(), key=lambda p: p.name):
        if item.name == "__pycache__" or item.name.endswith((".py", ".pyc")):
            continue
        if item.is_dir():
            found.extend(_data_files(item, f"{prefix}/{item.name}"))
        elif item.is_file():
            found.append((f"{prefix}/{item.name}", item))
    return found


def knowledge_version(texts: dict[str, str], bundle: dict[str, str] | None = None) -> str:
    """Content hash of the knowledge files and the rest of the data bundle, independent of where they live.

    ``bundle`` is the output of :func:`bundle_texts` (instrument, interview and text
    data); its names carry their directory, so they cannot collide with the
    knowledge file names.
    """
    digest = hashlib.sha256()
    everything = {**texts, **(bundle or {})}
    for name in sorted(everything):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(everything[name].encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


class _Collector:
    """Gathers every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, problem: str) -> None:
        self.problems.append(problem)

    def parse(
        self,
        file: str,
        documents: dict[str, Any],
        key: str,
        model: type[M],
        label: Callable[[dict[str, Any]], str],
        *,
        optional: bool = False,
    ) -> list[M]:
        raw = documents.get(file, {}).get(key)
        if raw is None:
            if not optional:
                self.add(f"{file}: missing top-level key '{key}'")
            return []
        if not isinstance(raw, list):
            self.add(f"{file}: '{key}' must be a list")
            return []
        parsed: list[M] = []
        for index, item in enumerate(raw):
            where = f"{file}: {key}[{index}]"
            if isinstance(item, dict):
                where += f" ({label(item)})"
            try:
                parsed.append(model.model_validate(item))
            except ValidationError as error:
                for detail in error.errors():
                    loc = ".".join(str(p) for p in detail["loc"])
                    self.add(f"{where}{' ' + loc if loc else ''}: {detail['msg']}")
        return parsed

    def unique(self, file: str, what: str, ids: Iterable[str]) -> None:
        seen: set[str] = set()
        for ident in ids:
            if ident in seen:
                self.add(f"{file}: duplicate {what} id '{ident}'")
            seen.add(ident)


def _reachable(start: str, edges: Mapping[str, Sequence[str]]) -> set[str]:
    """Every node reached from ``start`` by following ``edges`` one or more steps."""
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen


def _by_id(item: dict[str, Any]) -> str:
    return str(item.get("id", "?"))


def _by_finding(item: dict[str, Any]) -> str:
    return str(item.get("finding", "?"))


def _by_condition(item: dict[str, Any]) -> str:
    return str(item.get("condition", "?"))


def _by_link(item: dict[str, Any]) -> str:
    return f"{item.get('condition', '?')}/{item.get('finding', item.get('setting', '?'))}"


def _parse_structure(check: _Collector, documents: dict[str, Any]) -> NetworkStructure | None:
    raw = documents.get("network.yaml")
    if raw is None:
        return None
    try:
        return NetworkStructure.model_validate(raw)
    except ValidationError as error:
        for detail in error.errors():
            loc = ".".join(str(p) for p in detail["loc"])
            check.add(f"network.yaml: {loc}: {detail['msg']}")
        return None


def build_knowledge(texts: dict[str, str], bundle: dict[str, str] | None = None) -> KnowledgeBase:
    """Parse and validate knowledge files given as text; raise with every problem found.

    The version hashes ``texts`` with ``bundle`` (default: the instrument, interview
    and text data shipped in the package, see :func:`bundle_texts`).
    """
    check = _Collector()
    documents: dict[str, Any] = {}
    for name in FILES:
        try:
            loaded = load_yaml(texts[name])
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            check.add(f"{name}:{where} not valid YAML")
            continue
        if not isinstance(loaded, dict):
            check.add(f"{name}: must be a mapping of lists")
            continue
        documents[name] = loaded
    references = check.parse("references.yaml", documents, "references", Reference, _by_id)
    settings = check.parse("settings.yaml", documents, "settings", Setting, _by_id)
    conditions = check.parse("conditions.yaml", documents, "conditions", Condition, _by_id)
    findings = check.parse("findings.yaml", documents, "findings", Finding, _by_id)
    priors = check.parse("priors.yaml", documents, "priors", Prior, _by_link)
    likelihoods = check.parse("likelihoods.yaml", documents, "likelihoods", Likelihood, _by_link)
    ages = check.parse("likelihoods.yaml", documents, "age", AgeEvidence, _by_link)
    sexes = check.parse("likelihoods.yaml", documents, "sex", SexEvidence, _by_link)
    groups = check.parse("groups.yaml", documents, "groups", EvidenceGroup, _by_id)
    red_flags = check.parse("red_flags.yaml", documents, "red_flags", RedFlag, _by_id)
    instrument_rules = check.parse(
        "red_flags.yaml", documents, "instrument_rules", InstrumentRule, _by_id, optional=True
    )
    thresholds = check.parse("recommendations.yaml", documents, "thresholds", Threshold, _by_id)
    workup = check.parse("recommendations.yaml", documents, "workup", Recommendation, _by_id)
    treatment = check.parse("recommendations.yaml", documents, "treatment", Recommendation, _by_id)
    avoid = check.parse("recommendations.yaml", documents, "not_recommended", NotRecommended, _by_id)
    suspected = check.parse("recommendations.yaml", documents, "suspected", SuspectedUrgency, _by_condition)
    structure = _parse_structure(check, documents)
    recorded = check.parse("recorded_only.yaml", documents, "recorded_only", RecordedOnly, _by_finding)

    for file, what, items in (
        ("references.yaml", "reference", references),
        ("settings.yaml", "setting", settings),
        ("conditions.yaml", "condition", conditions),
        ("findings.yaml", "finding", findings),
        ("groups.yaml", "group", groups),
        ("red_flags.yaml", "red flag", [*red_flags, *instrument_rules]),
        ("recommendations.yaml", "recommendation", [*workup, *treatment, *avoid]),
        ("recommendations.yaml", "threshold", thresholds),
    ):
        check.unique(file, what, (str(getattr(i, "id")) for i in items))  # noqa: B009

    ref_ids = {r.id for r in references}
    setting_ids = {s.id for s in settings}
    condition_ids = {c.id for c in conditions}
    finding_ids = {f.id for f in findings}
    flag_ids = {r.id for r in red_flags}
    finding_kind = {f.id: f.kind for f in findings}
    used_refs: set[str] = set()

    def cited(file: str, label: str, item: Cited) -> None:
        for source in item.sources:
            used_refs.add(source)
            if source not in ref_ids:
                check.add(f"{file}: {label}: unknown reference '{source}'")

    def known(file: str, label: str, what: str, ident: str | None, pool: set[str]) -> None:
        if ident is not None and ident not in pool:
            check.add(f"{file}: {label}: unknown {what} '{ident}'")

    seen_priors: set[tuple[str, str]] = set()
    for prior in priors:
        label = f"prior {prior.setting}/{prior.condition}"
        known("priors.yaml", label, "condition", prior.condition, condition_ids)
        known("priors.yaml", label, "setting", prior.setting, setting_ids)
        if (prior.setting, prior.condition) in seen_priors:
            check.add(f"priors.yaml: {label}: duplicate")
        seen_priors.add((prior.setting, prior.condition))
        cited("priors.yaml", label, prior)
    for setting in setting_ids:
        for condition in sorted(condition_ids):
            if (setting, condition) not in seen_priors:
                check.add(f"priors.yaml: no prior for condition '{condition}' in setting '{setting}'")

    seen_links: set[tuple[str, str]] = set()
    for link in likelihoods:
        label = f"{link.condition}/{link.finding}"
        known("likelihoods.yaml", label, "condition", link.condition, condition_ids)
        known("likelihoods.yaml", label, "finding", link.finding, finding_ids)
        if (link.condition, link.finding) in seen_links:
            check.add(f"likelihoods.yaml: {label}: duplicate link")
        seen_links.add((link.condition, link.finding))
        cited("likelihoods.yaml", label, link)

    for age in ages:
        label = f"age/{age.condition}"
        known("likelihoods.yaml", label, "condition", age.condition, condition_ids)
        cited("likelihoods.yaml", label, age)
        bands = sorted(age.bands, key=lambda b: b.min_age)
        edge = ADULT_AGE_START
        for band in bands:
            if band.min_age != edge:
                check.add(
                    f"likelihoods.yaml: {label}: bands must be contiguous from {ADULT_AGE_START} "
                    f"(gap or overlap at {band.min_age})"
                )
            if band.max_age <= band.min_age:
                check.add(f"likelihoods.yaml: {label}: band {band.min_age}-{band.max_age} is empty")
            edge = band.max_age
        if edge != AGE_END:
            check.add(f"likelihoods.yaml: {label}: bands must end at {AGE_END}")
        _check_ratios_coherent(check, f"likelihoods.yaml: {label}", [b.lr for b in bands])
    for sex in sexes:
        label = f"sex/{sex.condition}"
        known("likelihoods.yaml", label, "condition", sex.condition, condition_ids)
        cited("likelihoods.yaml", label, sex)
        if len(sex.lr) != 2:
            check.add(f"likelihoods.yaml: {label}: give a ratio for both female and male")
        _check_ratios_coherent(check, f"likelihoods.yaml: {label}", list(sex.lr.values()))
    check.unique("likelihoods.yaml", "age evidence", (a.condition for a in ages))
    check.unique("likelihoods.yaml", "sex evidence", (s.condition for s in sexes))

    group_of: dict[str, str] = {}
    for group in groups:
        for member in group.members:
            known("groups.yaml", f"group {group.id}", "finding", member, finding_ids)
            if member in group_of:
                check.add(f"groups.yaml: finding '{member}' is in both '{group_of[member]}' and '{group.id}'")
            group_of[member] = group.id
        if group.wordings:
            _check_same_links(check, group, likelihoods)
        for expression in group.expressions:
            label = f"group {group.id}, expression by {expression.condition}"
            known("groups.yaml", label, "condition", expression.condition, condition_ids)
            cited("groups.yaml", label, expression)
        check.unique("groups.yaml", f"expressions of {group.id}", (e.condition for e in group.expressions))

    aside = {flag.id: flag.stands_aside_for for flag in red_flags}
    for flag in red_flags:
        label = f"red flag {flag.id}"
        known("red_flags.yaml", label, "condition", flag.condition, condition_ids)
        for other in flag.or_likelier:
            known("red_flags.yaml", f"{label}, or_likelier", "condition", other, condition_ids)
        cited("red_flags.yaml", label, flag)
        for clause in flag.when:
            for member in clause.findings:
                known("red_flags.yaml", label, "finding", member, finding_ids)
        for other_flag in flag.stands_aside_for:
            known("red_flags.yaml", f"{label}, stands_aside_for", "red flag", other_flag, flag_ids)
        if flag.id in _reachable(flag.id, aside):
            # flags that stand aside for each other could all be left out, and the patient with none raised
            check.add(f"red_flags.yaml: {label}: stands_aside_for leads back to it (a cycle)")
        for sign in flag.withhold_examination:
            known("red_flags.yaml", f"{label}, withhold_examination", "finding", sign, finding_ids)
            if sign in finding_kind and finding_kind[sign] is not FindingKind.EXAM:
                check.add(f"red_flags.yaml: {label}: withhold_examination '{sign}' is not an examination sign")

    if structure is not None:
        where = "network.yaml"
        for rf in structure.risk_factors:
            known(where, f"risk factor {rf.finding}", "finding", rf.finding, finding_ids)
        for complaint in structure.complaints:
            known(where, "complaints", "finding", complaint, finding_ids)
        for key in ("referred_from_the_back", "lumbar_root_pain", "local_to_the_neck", "nonspecific_in_the_neck"):
            for complaint in getattr(structure, key):
                if complaint not in structure.complaints:
                    check.add(f"{where}: {key}: '{complaint}' is not one of the complaints")
        for finding in structure.neck_not_ruled_out_by:
            known(where, "neck_not_ruled_out_by", "finding", finding, finding_ids)
        for bg in structure.backgrounds:
            known(where, f"background {bg.finding}", "finding", bg.finding, finding_ids)
            cited(where, f"background {bg.finding}", bg)
        for cl in structure.complaint_links:
            label = f"complaint link {cl.condition}/{cl.finding}"
            known(where, label, "condition", cl.condition, condition_ids)
            known(where, label, "finding", cl.finding, finding_ids)
            known(where, label, "group", cl.through_group, {g.id for g in groups})
            cited(where, label, cl)
        paired: set[str] = set()
        for co in structure.co_occurrences:
            label = f"co-occurrence {'/'.join(co.conditions)}"
            for condition in co.conditions:
                known(where, label, "condition", condition, condition_ids)
                if condition in paired:
                    check.add(f"{where}: {label}: '{condition}' is already in a pair (at most one pair each)")
                paired.add(condition)
            if co.conditions[0] == co.conditions[1]:
                check.add(f"{where}: {label}: a condition cannot co-occur with itself")
            cited(where, label, co)

    for rule in instrument_rules:
        known("red_flags.yaml", f"instrument rule {rule.id}", "condition", rule.condition, condition_ids)
        cited("red_flags.yaml", f"instrument rule {rule.id}", rule)

    recommendation_ids = {r.id for r in [*workup, *treatment]}

    def indications(label: str, items: list[Indication]) -> None:
        for ind in items:
            known("recommendations.yaml", label, "condition", ind.condition, condition_ids)
            known("recommendations.yaml", label, "red flag", ind.red_flag, flag_ids)
            for flag in ind.unless_red_flags:
                known("recommendations.yaml", f"{label}, unless_red_flags", "red flag", flag, flag_ids)
            for member in [*ind.unless_known, *ind.all_present, *ind.any_present, *ind.none_present, *ind.all_absent]:
                known("recommendations.yaml", label, "finding", member, finding_ids)
            for other in [*ind.also_likely, *ind.unless_likely]:
                known("recommendations.yaml", label, "condition", other, condition_ids)

    for rec in [*workup, *treatment]:
        cited("recommendations.yaml", rec.id, rec)
        indications(rec.id, rec.indications)
    for rec_avoid in avoid:
        cited("recommendations.yaml", rec_avoid.id, rec_avoid)
        indications(rec_avoid.id, rec_avoid.indications)
        for other in rec_avoid.unless_recommended:
            known("recommendations.yaml", rec_avoid.id, "recommendation", other, recommendation_ids)
    for threshold in thresholds:
        cited("recommendations.yaml", threshold.id, threshold)
    threshold_ids = {t.id for t in thresholds}
    for suspicion in suspected:
        label = f"suspected {suspicion.condition}"
        known("recommendations.yaml", label, "condition", suspicion.condition, condition_ids)
        known("recommendations.yaml", label, "threshold", suspicion.threshold, threshold_ids)
        for finding in suspicion.any_present:
            known("recommendations.yaml", label, "finding", finding, finding_ids)
        cited("recommendations.yaml", label, suspicion)
    check.unique("recommendations.yaml", "suspected condition", (r.condition for r in suspected))
    for required in ("myelopathy_suspected", "condition_likely", "verdict_confident"):
        if required not in threshold_ids:
            check.add(f"recommendations.yaml: missing threshold '{required}'")

    linked_findings = {link.finding for link in likelihoods}
    check.unique("recorded_only.yaml", "recorded-only finding", (r.finding for r in recorded))
    for entry in recorded:
        label = f"recorded-only {entry.finding}"
        known("recorded_only.yaml", label, "finding", entry.finding, finding_ids)
        if entry.finding in linked_findings:
            check.add(
                f"recorded_only.yaml: {label}: the finding has likelihoods in likelihoods.yaml; "
                "remove it from one of the two files"
            )

    for ref in sorted(ref_ids - used_refs):
        check.add(f"references.yaml: reference '{ref}' is never cited")
    for link in likelihoods:
        if finding_kind.get(link.finding) is None:
            continue
        if not (math.isfinite(link.ratio_present) and math.isfinite(link.ratio_absent)):
            check.add(f"likelihoods.yaml: {link.condition}/{link.finding}: likelihood ratios must be finite")

    if check.problems:
        raise KnowledgeError(check.problems)

    return KnowledgeBase(
        version=knowledge_version(texts, bundle_texts() if bundle is None else bundle),
        structure=structure or NetworkStructure(complaints=["low_back_pain"]),
        references={r.id: r for r in references},
        settings={s.id: s for s in settings},
        conditions={c.id: c for c in conditions},
        findings={f.id: f for f in findings},
        priors={(p.setting, p.condition): p for p in priors},
        likelihoods={(lk.condition, lk.finding): lk for lk in likelihoods},
        age={a.condition: a for a in ages},
        sex={s.condition: s for s in sexes},
        groups={g.id: g for g in groups},
        red_flags={r.id: r for r in red_flags},
        workup={r.id: r for r in workup},
        treatment={r.id: r for r in treatment},
        not_recommended={r.id: r for r in avoid},
        thresholds={t.id: t for t in thresholds},
        suspected={r.condition: r for r in suspected},
        group_of=group_of,
        instrument_rules={r.id: r for r in instrument_rules},
        recorded_only={r.finding: r for r in recorded},
    )


def _check_same_links(check: _Collector, group: EvidenceGroup, likelihoods: list[Likelihood]) -> None:
    """The members of a wordings group are one complaint: every condition must link to each alike."""
    figures: dict[str, dict[str, tuple[float, float]]] = {m: {} for m in group.members}
    for link in likelihoods:
        if link.finding in figures:
            figures[link.finding][link.condition] = (
                round(link.p_present_given_condition, 9),
                round(link.p_present_without_condition, 9),
            )
    first, *rest = group.members
    for member in rest:
        if figures[member] != figures[first]:
            check.add(
                f"groups.yaml: group {group.id} is one complaint in different words (wordings: true), "
                f"so '{member}' must have the same likelihoods as '{first}' for every condition"
            )


def _check_ratios_coherent(check: _Collector, where: str, ratios: list[float]) -> None:
    """A categorical variable's LRs must straddle 1, or no distribution could produce them."""
    if all(math.isclose(r, 1.0) for r in ratios):
        return
    if (
        (not (min(ratios) < 1.0 < max(ratios)) and not any(math.isclose(r, 1.0) for r in ratios))
        or min(ratios) >= 1.0
        or max(ratios) <= 1.0
    ):
        check.add(f"{where}: likelihood ratios {ratios} must include values below and above 1")


__all__ = [
    "FindingKind",
    "build_knowledge",
    "bundle_texts",
    "default_knowledge",
    "knowledge_version",
    "load_knowledge",
]
