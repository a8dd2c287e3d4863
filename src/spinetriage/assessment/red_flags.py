"""Red flags: rules on findings (and age and sex), evaluated apart from the probabilities.

A red flag fires when every one of its clauses holds (see
:class:`spinetriage.knowledge.schema.Clause`): a clause holds when at least one of
its ``any_present`` findings is present, all of its ``all_present`` findings are
present, none of its ``none_present`` findings is present, and the patient's age and
sex meet its bounds. An unknown age or sex never
meets a bound, so a rule that needs "age 70 or over" does not fire on a case with
no age. No probability is consulted, so no probability can outweigh a red flag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.schema import Clause, RedFlag
from spinetriage.vocab import FindingKind, Origin, OriginFamily, Sex, Status


def _clause_holds(clause: Clause, evidence: Mapping[str, Status], age: int | None, sex: Sex | None) -> list[str] | None:
    """The present findings that make ``clause`` hold, or ``None`` when it does not hold."""
    raised: list[str] = []
    if clause.any_present:
        present = [f for f in clause.any_present if evidence.get(f) is Status.PRESENT]
        if not present:
            return None
        raised.extend(present)
    if clause.all_present:
        if any(evidence.get(f) is not Status.PRESENT for f in clause.all_present):
            return None
        raised.extend(f for f in clause.all_present if f not in raised)
    if clause.none_present and any(evidence.get(f) is Status.PRESENT for f in clause.none_present):
        return None
    if clause.min_age is not None and (age is None or age < clause.min_age):
        return None
    if clause.max_age is not None and (age is None or age >= clause.max_age):
        return None
    if clause.sex is not None and sex is not clause.sex:
        return None
    return raised


def fired_red_flags(
    kb: KnowledgeBase,
    evidence: Mapping[str, Status],
    *,
    age: int | None = None,
    sex: Sex | None = None,
) -> list[tuple[RedFlag, list[str]]]:
    """Each red flag that fires with the present findings that raised it, most urgent first. A flag that
    stands aside for a raised one (``stands_aside_for``) is left out."""
    fired = []
    for flag in kb.red_flags.values():
        raised: list[str] = []
        for clause in flag.when:
            found = _clause_holds(clause, evidence, age, sex)
            if found is None:
                break
            raised.extend(f for f in found if f not in raised)
        else:
            fired.append((flag, raised))
    ids = {flag.id for flag, _ in fired}
    fired = [(flag, raised) for flag, raised in fired if not ids.intersection(flag.stands_aside_for)]
    fired.sort(key=lambda item: item[0].urgency.rank)
    return fired


def named_condition(flag: RedFlag, probabilities: Mapping[str, float]) -> str:
    """The condition the raised flag names: its own, unless one it allows instead (``or_likelier``) is more
    probable for this patient. The rule still fires on findings alone; only its name follows the evidence."""
    return max([flag.condition, *flag.or_likelier], key=lambda c: probabilities[c])


def placed_origin(
    kb: KnowledgeBase, verdict: Origin, flags: Sequence[RedFlag], probabilities: Mapping[str, float]
) -> tuple[Origin, list[str]] | None:
    """The origin raised red flags set when the probabilities' verdict contradicts their own findings, with the
    flags that set it; ``None`` when the verdict stands. ``probabilities`` choose each flag's named condition
    (:func:`named_condition`).

    A flag never outweighed by probabilities (the design contract) is not outweighed on the origin either.
    A lumbar or undetermined verdict follows the flags that place the lesion (``red_flags.yaml: origin``,
    cervical or other: a cord compressed on imaging, motor neuron disease) when they agree; a lumbar verdict
    becomes undetermined beside flags that place the lesion in different regions, or that show a cord lesion
    whose level they leave open, unless a raised flag names a lumbar condition (cauda equina syndrome), which
    the lumbar verdict then answers. A sensory level with back pain read "lumbar 90%: non-specific low back
    pain 78%" under its own urgent whole-spine MRI (a clinician's critique)."""
    if verdict not in (Origin.LUMBAR, Origin.UNDETERMINED):
        return None
    placing = [flag for flag in flags if flag.origin in (Origin.CERVICAL, Origin.OTHER)]
    regions = {flag.origin for flag in placing if flag.origin is not None}
    if len(regions) == 1:
        return regions.pop(), [flag.id for flag in placing]
    if verdict is not Origin.LUMBAR:
        return None
    lumbar = any(
        kb.conditions[named_condition(flag, probabilities)].origin_family is OriginFamily.LUMBAR_SPECIFIC
        for flag in flags
    )
    open_level = [flag.id for flag in flags if flag.origin is not None]
    if open_level and not lumbar:
        return Origin.UNDETERMINED, open_level
    return None


def unscreened(
    kb: KnowledgeBase,
    evidence: Mapping[str, Status],
    raised: set[str],
    *,
    age: int | None = None,
    sex: Sex | None = None,
) -> list[tuple[str, list[str]]]:
    """History questions that could still raise a red flag, in the order the rules first ask them, each with the
    flags it answers.

    For each flag not raised, the first of its clauses that does not yet hold: its unanswered history
    findings are what to ask. A clause that holds is passed; one that fails on what is known (its findings
    answered absent, an excluding finding present, age or sex out of bounds) closes the flag; a clause that
    only examination, imaging or tests can settle is not asked. The guidelines screen every back-pain
    presenter for red flags before anything else (NICE NG59; ACP/APS 2007), and the report said nothing of
    fever or a past cancer in a young adult with back pain and weak legs (a clinician's critique). ``raised``:
    the ids of the flags :func:`fired_red_flags` raised for this evidence."""
    asked: dict[str, list[str]] = {}
    for flag in kb.red_flags.values():
        if flag.id in raised:
            continue
        for clause in flag.when:
            if _clause_holds(clause, evidence, age, sex) is not None:
                continue
            open_ = [f for f in clause.any_present if f not in evidence and kb.findings[f].kind is FindingKind.HISTORY]
            if open_ and _clause_holds(clause, {**evidence, open_[0]: Status.PRESENT}, age, sex) is not None:
                for finding in open_:
                    asked.setdefault(finding, []).append(flag.id)
            break
    return list(asked.items())
