"""The one boundary in front of the engine: posteriors, origin, what-ifs and explanations.

Assessment, the "worth asking next" list, the interview and the web see only this
module. Everything in it is exact (see :mod:`spinetriage.engine.inference`).

Every setting is a population of back-pain presenters. The presenting complaint whose
origin is asked is low back pain when it is stated present; otherwise the first present
complaint of ``network.yaml`` (leg, gait or arm: what brought the patient); otherwise back
pain, taken as present (the setting's population). Back pain that is not stated is assumed
only in that last case: a patient who came with another complaint is one of the setting's
presenters, with nothing assumed about the back (:meth:`Network.prior_log_odds`). The
origin answers "which sources produced the complaint", i.e. would it go if that source
were treated:

* ``cervical``: only cervical sources (myelopathy through its gait, a cervical root);
* ``lumbar``: only lumbar sources (specific lesions, mechanical pain, serious pathology
  of the lumbar spine);
* ``both``: cervical and lumbar sources together;
* ``other``: only a mimic (neuropathy, NPH, MS, MND, vascular, hip, a non-cervical cord lesion);
* ``undetermined``: the complaint's leak when it is not back pain (nothing modelled explains it),
  and the whole verdict when no complaint is known or nothing beyond it is known.

The verdict is ``other`` too when the neck and the lower back explain little: a mimic and the leak
together are likely and the neck is not suspected (:func:`verdict`).

A mimic beside a spinal source does not change the spinal answer (the spinal source
still has to be treated). But back pain with no specific source is not the answer when another
complaint the patient brought has one in the neck or outside the spine (:func:`decide`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from spinetriage.engine.inference import (
    MAX_CANCELLATION,
    MAX_TERMS,
    UNEXPLAINED,
    Evidence,
    Inference,
    Prepared,
    attribute_each,
    doublings,
    source_family,
    without_present,
)
from spinetriage.engine.network import Array, Network, compile_network, demographic_ratio
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import Basis, Origin, OriginFamily, Sex, Status

ORIGINS = (Origin.CERVICAL, Origin.LUMBAR, Origin.BOTH, Origin.OTHER, Origin.UNDETERMINED)
_LUMBAR = frozenset({"lumbar", "mechanical", "serious"})


@dataclass(frozen=True, slots=True)
class Patient:
    """What the engine reasons over: known findings and demographics."""

    evidence: Mapping[str, Status]
    setting: str
    age: int | None = None
    sex: Sex | None = None


@dataclass(frozen=True, slots=True)
class Contribution:
    """One piece of evidence for one condition: its exact effect on the condition's log-odds.

    ``weight`` is log-odds with all the evidence minus log-odds without this piece (the rest
    kept); for a risk factor, age or sex it is the log of the ratio that scales the prior. A complaint
    said in several words is one piece: the member counted carries it, the others weigh nothing.
    """

    evidence: str
    value: str
    likelihood_ratio: float
    weight: float
    counted: bool
    note: str | None
    group: str | None
    basis: Basis
    sources: tuple[str, ...]
    kind: str = "finding"


@dataclass(frozen=True)
class Reasoning:
    """The engine's answer for one patient."""

    network: Network
    patient: Patient
    probabilities: dict[str, float]
    """Every condition, the derived non-specific back pain included."""
    origin: dict[Origin, float]
    sources: dict[frozenset[str], float]
    complaint: str | None
    informative: bool
    """Something beyond the complaint and demographics that can move a probability is known (a
    recorded-only finding alone leaves the verdict undetermined, as the complaint alone does unless it
    is local to the neck: :func:`verdict`)."""
    prepared: Prepared
    log_odds: Array
    inference: Inference
    uncounted: tuple[tuple[str, Status], ...] = ()
    """Known findings left out because exact reasoning could not hold them (:func:`counted_part`)."""
    said_with: tuple[tuple[str, Status, str], ...] = ()
    """Answers to a complaint already answered in other words (:func:`one_answer_per_complaint`): the
    finding, its status, and the member counted for both."""

    def priors(self) -> dict[str, float]:
        kb = self.network.knowledge
        return {c: kb.prior(self.patient.setting, c).probability for c in kb.conditions}


_COMPILED: dict[str, Network] = {}


def network_for(kb: KnowledgeBase) -> Network:
    """The compiled network of a knowledge base, built once per knowledge version."""
    if kb.version not in _COMPILED:
        _COMPILED[kb.version] = compile_network(kb)
    return _COMPILED[kb.version]


def complaint_of(network: Network, evidence: Mapping[str, Status]) -> str | None:
    first = network.complaints[0]
    back_pain = evidence.get(first, Status.UNKNOWN)
    if back_pain is Status.PRESENT:
        return first
    other = next(
        (c for c in network.complaints[1:] if evidence.get(c) is Status.PRESENT and network.parents.get(c)), None
    )
    if other is not None or back_pain is Status.ABSENT:
        return other
    return first


def _known(network: Network, patient: Patient, complaint: str | None) -> dict[str, bool]:
    """The findings' statuses, with back pain present when it is the complaint (the setting's population)."""
    known = {f: s is Status.PRESENT for f, s in patient.evidence.items() if s is not Status.UNKNOWN}
    if complaint == network.complaints[0]:
        known.setdefault(complaint, True)
    if complaint is not None:
        known[complaint] = True
    return known


def counted_part(network: Network, patient: Patient) -> tuple[Patient, tuple[tuple[str, Status], ...]]:
    """The patient with the evidence exact reasoning can hold, and the findings left uncounted.

    Each present finding with several possible causes doubles the exact sum (so does an absent one
    that argues against a condition); past :data:`MAX_TERMS` terms the least specific of them (the
    largest leak: the most often present without any modelled cause) are left out, and the
    assessment shows them as not counted. The complaint is always counted.
    """
    complaint = complaint_of(network, patient.evidence)
    # Two doublings are kept spare: for a what-if answered yes, and for attributing another present
    # finding while the complaint stays in the evidence (explained_by).
    limit = math.log2(MAX_TERMS) - 2
    known = _known(network, patient, complaint)  # as the engine will see it (assumed back pain included)
    weights = {f: _weight(network, f, present) for f, present in known.items() if f != complaint}
    used = sum(weights.values())
    if used <= limit:
        return patient, ()
    droppable = (f for f, w in weights.items() if w > 0 and f in patient.evidence)  # not the assumed back pain
    order = sorted(droppable, key=lambda f: (-network.leak[network.index[f]], f))
    dropped: list[str] = []
    for finding in order:
        if used <= limit:
            break
        dropped.append(finding)
        used -= weights[finding]
    kept = {f: s for f, s in patient.evidence.items() if f not in dropped}
    return Patient(kept, patient.setting, patient.age, patient.sex), tuple((f, patient.evidence[f]) for f in dropped)


def one_answer_per_complaint(network: Network, patient: Patient) -> tuple[Patient, tuple[tuple[str, Status, str], ...]]:
    """The patient with one answer per complaint stated in several words, and the answers set aside.

    The members of a wordings group (groups.yaml) are one complaint: "clumsy hands" and "difficulty
    with fine tasks" in one record are one finding stated twice, not two independent ones (counted as
    two, they multiplied myelopathy's odds twice). One member is counted: a present one before an
    absent one (a complaint affirmed in any words is affirmed), else the first in the group's order.
    Set aside: (finding, status, the member counted).
    """
    set_aside: list[tuple[str, Status, str]] = []
    done: set[tuple[str, ...]] = set()
    for finding in patient.evidence:
        members = network.wordings.get(finding)
        if members is None or members in done:
            continue
        done.add(members)
        answered = [(m, s) for m in members if (s := patient.evidence.get(m, Status.UNKNOWN)) is not Status.UNKNOWN]
        if len(answered) < 2:
            continue
        kept = _counted_member(members, patient.evidence)
        set_aside.extend((m, s, kept) for m, s in answered if m != kept)
    if not set_aside:
        return patient, ()
    aside = {m for m, _, _ in set_aside}
    kept_evidence = {f: s for f, s in patient.evidence.items() if f not in aside}
    return Patient(kept_evidence, patient.setting, patient.age, patient.sex), tuple(set_aside)


def _counted_member(members: tuple[str, ...], evidence: Mapping[str, Status]) -> str:
    """The member of a wordings group that is counted: the first present one in the group's order, else the
    first answered one (:func:`one_answer_per_complaint`)."""
    answered = [m for m in members if evidence.get(m, Status.UNKNOWN) is not Status.UNKNOWN]
    return next((m for m in answered if evidence[m] is Status.PRESENT), answered[0])


def reason(network: Network, patient: Patient) -> Reasoning:
    """Posterior of every condition and the origin of the complaint (see :func:`one_answer_per_complaint`
    and :func:`counted_part`)."""
    patient, said_with = one_answer_per_complaint(network, patient)
    patient, uncounted = counted_part(network, patient)
    reasoning = _reason(network, patient)
    if uncounted or said_with:
        return dataclasses.replace(reasoning, uncounted=uncounted, said_with=said_with)
    return reasoning


def _said_as(reasoning: Reasoning, finding: str) -> str | None:
    """The member of ``finding``'s wordings group that the reasoning already counts, if any."""
    evidence = reasoning.patient.evidence
    members = reasoning.network.wordings.get(finding, ())
    return next((m for m in members if m != finding and evidence.get(m, Status.UNKNOWN) is not Status.UNKNOWN), None)


def _reason(network: Network, patient: Patient) -> Reasoning:
    complaint = complaint_of(network, patient.evidence)
    known = _known(network, patient, complaint)
    log_odds = network.prior_log_odds(patient.setting, patient.age, patient.sex, known)
    prepared, inference = Prepared.precise(network, known, complaint, log_odds)
    return _reasoning(network, patient, prepared, log_odds, inference)


def _reasoning(
    network: Network,
    patient: Patient,
    prepared: Prepared,
    log_odds: Array,
    inference: Inference,
    informative: bool | None = None,
) -> Reasoning:
    """``informative``: whether the patient is (see :class:`Reasoning`), when the caller already knows."""
    complaint = prepared.complaint
    probabilities = dict(zip(network.conditions, inference.probabilities.tolist(), strict=True))
    probabilities[network.derived] = inference.derived if complaint is not None else 0.0
    if informative is None:
        informative = any(
            s is not Status.UNKNOWN and f != complaint and network.bears_on_a_condition(f)
            for f, s in patient.evidence.items()
        )
    origin = origin_of(inference.sources) if complaint is not None else dict.fromkeys(ORIGINS, 0.0)
    if complaint is None:
        origin[Origin.UNDETERMINED] = 1.0
    return Reasoning(
        network=network,
        patient=patient,
        probabilities=probabilities,
        origin=origin,
        sources=inference.sources,
        complaint=complaint,
        informative=informative,
        prepared=prepared,
        log_odds=log_odds,
        inference=inference,
    )


def origin_of(sources: Mapping[frozenset[str], float]) -> dict[Origin, float]:
    """The origin distribution from the probability of each exact set of source families."""
    values = [0.0] * len(ORIGINS)  # summed by position: an Origin's hash is computed in Python
    for families, p in sources.items():
        values[_origin_position(families)] += p
    return dict(zip(ORIGINS, values, strict=True))


@functools.cache
def _origin_position(families: frozenset[str]) -> int:
    """The position in ``ORIGINS`` of the origin of a set of source families (a few dozen sets exist)."""
    spinal = families - {"other", UNEXPLAINED}
    cervical = "cervical" in spinal
    lumbar = bool(spinal & _LUMBAR)
    if cervical and lumbar:
        origin = Origin.BOTH
    elif cervical:
        origin = Origin.CERVICAL
    elif lumbar:
        origin = Origin.LUMBAR
    else:
        origin = Origin.OTHER if "other" in families else Origin.UNDETERMINED
    return ORIGINS.index(origin)


@dataclass(frozen=True, slots=True)
class Elsewhere:
    """Another complaint the patient brought, whose source names the verdict (:func:`decide`)."""

    complaint: str
    origin: Origin
    """``cervical`` or ``other`` (the back pain has no specific source), or ``both`` (it has a lumbar one)."""
    share: float
    """P(the complaint's source is the neck, or outside the neck and the lower back)."""
    back: float
    """P(a mechanical source, non-specific back pain, is among the back pain's sources), or, for ``both``,
    P(a lumbar source is)."""


_ELSEWHERE = {"cervical": Origin.CERVICAL, "other": Origin.OTHER}


def verdict(reasoning: Reasoning, confident: float, neck_suspected: float) -> Origin:
    """The origin verdict (:func:`decide`, without its reason)."""
    return decide(reasoning, confident, neck_suspected)[0]


def decide(
    reasoning: Reasoning,
    confident: float,
    neck_suspected: float,
    attributed: Mapping[str, Sequence[tuple[str, float]]] | None = None,
) -> tuple[Origin, Elsewhere | None]:
    """The origin verdict of :func:`complaint_verdict`, unless the patient's other complaints name it.

    Non-specific back pain is what is left when nothing specific explains the pain: when a mechanical source
    is among the back pain's sources with at least ``confident``, and another complaint the patient
    brought (a leg, gait or arm complaint) comes from the neck, or from outside the neck and the lower
    back, with at least ``confident``, that complaint's source is the answer (cervical or other): the back
    pain is the background, not the problem. When a lumbar source is among the back pain's sources with
    at least ``confident`` and another complaint from the neck, the answer is ``both`` (tandem disease:
    each region needs treating). Neck pain does not count: what nothing modelled explains of it is
    mechanical neck pain, the neck's own non-specific pain (``network.yaml: nonspecific_in_the_neck``).
    Radicular arm pain does: it is a cervical root's pain whatever causes it. Returns the verdict and, when
    another complaint named it, which. ``attributed``: :func:`explained_by` of this reasoning, when the caller
    has it (the attribution is then not computed again).
    """
    base = complaint_verdict(reasoning, confident, neck_suspected)
    elsewhere = _elsewhere(reasoning, base, confident, attributed)
    return (base, None) if elsewhere is None else (elsewhere.origin, elsewhere)


def _elsewhere(
    reasoning: Reasoning, base: Origin, confident: float, attributed: Mapping[str, Sequence[tuple[str, float]]] | None
) -> Elsewhere | None:
    network = reasoning.network
    back_pain = network.complaints[0]
    if base not in (Origin.LUMBAR, Origin.UNDETERMINED) or reasoning.complaint != back_pain:
        return None
    if complaint_assumed(reasoning) or not reasoning.informative:
        return None
    mechanical = family_share(reasoning.sources, "mechanical")
    lumbar = family_share(reasoning.sources, "lumbar")
    tandem = base is Origin.LUMBAR and lumbar >= confident
    if mechanical < confident and not tandem:
        return None
    evidence = reasoning.patient.evidence
    others = [
        c
        for c in network.complaints[1:]
        if c not in network.nonspecific_in_the_neck
        and evidence.get(c) is Status.PRESENT
        and network.parents.get(c)
        and _could_reach(reasoning, c, confident)
    ]
    if not others:
        return None
    if attributed is None:
        known = _known(network, reasoning.patient, reasoning.complaint)
        inferences = attribute_each(network, known, others, reasoning.log_odds)
        each = [_shares(inference) for inference in inferences]
    else:
        each = [dict(attributed[c]) for c in others]
    best: tuple[float, str, str] | None = None
    for complaint, shares in zip(others, each, strict=True):
        for family in _ELSEWHERE:
            share = shares.get(family, 0.0)
            if share >= confident and (best is None or share > best[0]):
                best = (share, complaint, family)
    if best is None:
        return None
    share, complaint, family = best
    if mechanical >= confident:
        return Elsewhere(complaint, _ELSEWHERE[family], share, mechanical)
    if family == "cervical":
        return Elsewhere(complaint, Origin.BOTH, share, lumbar)
    return None


def _could_reach(reasoning: Reasoning, complaint: str, confident: float) -> bool:
    """Whether ``complaint``'s share from the neck, or from outside the neck and the lower back, could reach
    ``confident``. Each share is at most the probability that one of the complaint's causes of that family is
    present, so at most the sum of their probabilities (for a complaint local to the neck the leak is cervical
    too, and nothing bounds it). A complaint below the bound for both is not attributed: the attribution
    expands the evidence again, and the interview decides a verdict for every state it weighs."""
    network = reasoning.network
    if complaint in network.local_to_the_neck:
        return True
    row = network.strength[network.index[complaint]]
    causes = [(c, source_family(f)) for c, s, f in zip(network.conditions, row, network.families, strict=True) if s > 0]
    return any(sum(reasoning.probabilities[c] for c, f in causes if f == family) >= confident for family in _ELSEWHERE)


def family_share(sources: Mapping[frozenset[str], float], family: str) -> float:
    """P(``family`` is among the families of sources that produced the complaint)."""
    return sum(p for k, p in sources.items() if family in k)


def complaint_verdict(reasoning: Reasoning, confident: float, neck_suspected: float) -> Origin:
    """The most probable origin if it reaches ``confident`` and something beyond the complaint is known.

    A complaint local to the neck (``network.yaml: local_to_the_neck``: neck pain, radicular arm pain) is
    the neck's own by its definition: every source of it is cervical, whatever the priors, so it reads
    cervical with nothing else known. Back pain alone stays undetermined: which of its sources produced it
    would rest on the priors alone.

    When none does, but the neck and the lower back are each among the complaint's sources with
    at least ``confident`` (cervical + both, and lumbar + both), the answer is ``both``: each
    region would more likely than not need treating for the complaint to go.

    With no complaint recorded, back pain is assumed for the probabilities (the setting's population is
    back-pain presenters), but the origin stays undetermined: its answer would be the assumption's. A lone
    wasted muscle or hip sign read "lumbar 99%" (clinician review).

    When the neck and the lower back explain little, the answer is ``other``: a mimic and what nothing
    modelled explains (the complaint's leak, causes the network does not model) together reach
    ``confident``. The network models the causes of a leg, gait or arm complaint in the neck and the
    lower back; what it leaves unexplained lies outside those two regions. The neck is not ruled out that way
    while it is suspected: the neck's share and every cervical condition stay below
    ``neck_suspected`` (the probability at which a cervical MRI is advised), and no imaging recorded shows
    the cervical cord compressed.
    """
    if reasoning.complaint is None or complaint_assumed(reasoning):
        return Origin.UNDETERMINED
    if not reasoning.informative and reasoning.complaint not in reasoning.network.local_to_the_neck:
        return Origin.UNDETERMINED
    origin = reasoning.origin
    best = max(ORIGINS[:4], key=lambda o: (origin[o], -ORIGINS.index(o)))
    if origin[best] >= confident:
        return best
    neck, back = region_shares(origin)
    if neck >= confident and back >= confident:
        return Origin.BOTH
    if outside_neck_and_back(origin) >= confident and not _neck_suspected(reasoning, neck, neck_suspected):
        return Origin.OTHER
    return Origin.UNDETERMINED


def complaint_assumed(reasoning: Reasoning) -> bool:
    """Whether the complaint is back pain assumed for the setting's population rather than recorded."""
    complaint = reasoning.complaint
    return complaint is not None and reasoning.patient.evidence.get(complaint) is not Status.PRESENT


def region_shares(origin: Mapping[Origin, float]) -> tuple[float, float]:
    """How likely the neck, and the lower back, is among the complaint's sources (each with ``both``)."""
    return origin[Origin.CERVICAL] + origin[Origin.BOTH], origin[Origin.LUMBAR] + origin[Origin.BOTH]


def outside_neck_and_back(origin: Mapping[Origin, float]) -> float:
    """How likely the complaint came from neither the neck nor the lower back: a mimic or a cord lesion
    below the neck produced it (``other``), or nothing modelled did."""
    return origin[Origin.OTHER] + origin[Origin.UNDETERMINED]


def _neck_suspected(reasoning: Reasoning, neck: float, threshold: float) -> bool:
    """Whether the neck's share or any cervical condition reaches ``threshold`` (a cervical MRI is advised), or
    imaging shows the cervical cord compressed (``network.yaml: neck_not_ruled_out_by``)."""
    network = reasoning.network
    evidence = reasoning.patient.evidence
    if any(evidence.get(f) is Status.PRESENT for f in network.neck_not_ruled_out_by):
        return True
    cervical = (
        reasoning.probabilities[c]
        for c, family in zip(network.conditions, network.families, strict=True)
        if family is OriginFamily.CERVICAL
    )
    return neck >= threshold or any(p >= threshold for p in cervical)


def _weight(network: Network, finding: str, present: bool) -> float:
    """log2 of how many times a known finding multiplies the terms of the exact sum."""
    if finding not in network.index or finding in network.risk_factors or not network.parents.get(finding):
        return 0.0
    return doublings(network, network.index[finding], present)


def room_for(network: Network, evidence: Mapping[str, Status], finding: str) -> bool:
    """Whether ``finding``, answered either way, keeps the exact sum within its limit
    (:data:`spinetriage.engine.inference.MAX_TERMS`). The interview asks only such findings."""
    used = sum(_weight(network, f, s is Status.PRESENT) for f, s in evidence.items() if s is not Status.UNKNOWN)
    if evidence.get(network.complaints[0], Status.UNKNOWN) is Status.UNKNOWN:
        used += 1.0  # back pain not yet answered may be taken as present (when it is the complaint)
    more = max(_weight(network, finding, True), _weight(network, finding, False))
    return used + more <= math.log2(MAX_TERMS) - 2  # as counted_part


def what_ifs(reasoning: Reasoning, findings: Sequence[str]) -> list[tuple[Reasoning, Reasoning, float]]:
    """:func:`what_if` for many findings at once (one batched sum for most of them)."""
    network, patient = reasoning.network, reasoning.patient
    known = reasoning.prepared.known
    # Back pain not known (another complaint, nothing recorded about the back) is reasoned afresh: either
    # answer makes it evidence, which changes the prior odds (Network.prior_log_odds). Its chance of a yes
    # still comes from the batch.
    back_pain = network.complaints[0]
    modelled = [
        f
        for f in findings
        if f in network.index
        and network.parents.get(f)
        and f not in known
        and f not in network.risk_factors
        and f != back_pain
        and _said_as(reasoning, f) is None
    ]
    direct = [back_pain] if back_pain in findings and network.parents.get(back_pain) else []
    answers = reasoning.prepared.what_ifs(reasoning.log_odds, modelled + direct)
    batched = dict(zip(modelled, answers, strict=False))
    new_complaints = _new_complaints(reasoning, list(batched))
    out = _risk_factor_what_ifs(reasoning, [f for f in findings if f in network.risk_factors])
    for finding, (if_present, if_absent, p) in batched.items():
        yes_patient, no_patient = _answered(patient, finding)
        # Only a complaint's answer can change which complaint is asked about.
        keeps = finding not in network.complaints
        informative = reasoning.informative or (
            finding != reasoning.complaint and network.bears_on_a_condition(finding)
        )
        if finding in new_complaints:
            prepared, inference, log_odds = new_complaints[finding]
            yes = _reasoning(network, yes_patient, prepared, log_odds, inference)
        else:
            yes = _from_batch(reasoning, yes_patient, if_present, informative if keeps else None)
        no = _from_batch(reasoning, no_patient, if_absent, informative if keeps else None)
        out[finding] = (yes, no, p)
    if direct:
        out[back_pain] = (*_afresh(reasoning, back_pain), answers[-1][2])
    return [out[f] if f in out else what_if(reasoning, f) for f in findings]


def _risk_factor_what_ifs(
    reasoning: Reasoning, findings: Sequence[str]
) -> dict[str, tuple[Reasoning, Reasoning, float]]:
    """:func:`what_if` for risk factors, whose answers change only the prior odds: every answer's
    posterior from one batched sum over the reasoning's terms (:meth:`Prepared.infer_each`)."""
    each = _with_priors_each(reasoning, [p for f in findings for p in _answered(reasoning.patient, f)])
    return {f: (each[2 * i], each[2 * i + 1], _p_risk_factor(reasoning, f)) for i, f in enumerate(findings)}


def _new_complaints(reasoning: Reasoning, findings: Sequence[str]) -> dict[str, tuple[Prepared, Inference, Array]]:
    """For findings that, answered yes, become the complaint: their reasoning's parts (and prior odds),
    from one shared expansion and batched sums (:meth:`Prepared.for_new_complaints`). The evidence
    besides the new complaint is the same for all of them; it is the reasoning's own when the reasoning
    held out a complaint that the answer leaves unassumed (back pain taken as present because it was
    the complaint) or had none, so then the reasoning's expansion is shared too. A patient whose
    evidence exact reasoning cannot hold whole is left to :func:`reason`, which chooses what to leave
    uncounted."""
    network, patient = reasoning.network, reasoning.patient
    if reasoning.uncounted:
        return {}
    groups: dict[tuple[tuple[tuple[str, bool], ...], bytes], tuple[dict[str, bool], Array, list[str]]] = {}
    for finding in findings:
        if finding not in network.complaints:
            continue  # only a complaint can become the complaint
        yes_patient, _ = _answered(patient, finding)
        if complaint_of(network, yes_patient.evidence) != finding or counted_part(network, yes_patient)[1]:
            continue
        known = _known(network, yes_patient, finding)
        rest = {f: v for f, v in known.items() if f != finding}
        log_odds = network.prior_log_odds(yes_patient.setting, yes_patient.age, yes_patient.sex, known)
        key = (tuple(sorted(rest.items())), log_odds.tobytes())
        groups.setdefault(key, (rest, log_odds, []))[2].append(finding)
    out = {}
    prepared = reasoning.prepared
    for rest, log_odds, changing in groups.values():
        same = prepared.expansion is not None and Evidence.of(network, rest) == prepared.evidence
        made = Prepared.for_new_complaints(network, rest, changing, log_odds, prepared.expansion if same else None)
        out.update({f: (one, inference, log_odds) for f, (one, inference) in made.items()})
    return out


def _from_batch(
    reasoning: Reasoning, answered: Patient, inference: Inference, keeps_informative: bool | None = None
) -> Reasoning:
    """The reasoning for one answer, from the batched sum when the answer keeps the complaint.

    An answer that changes which complaint is asked about otherwise (back pain denied) changes
    what the sum holds out for attribution: that answer is reasoned afresh. ``keeps_informative``:
    given when the caller knows the answer keeps the complaint, whether the answered patient is
    informative.
    """
    if keeps_informative is None and complaint_of(reasoning.network, answered.evidence) != reasoning.complaint:
        return reason(reasoning.network, answered)
    return _reasoning(reasoning.network, answered, reasoning.prepared, reasoning.log_odds, inference, keeps_informative)


def _answered(patient: Patient, finding: str) -> tuple[Patient, Patient]:
    yes = Patient({**patient.evidence, finding: Status.PRESENT}, patient.setting, patient.age, patient.sex)
    no = Patient({**patient.evidence, finding: Status.ABSENT}, patient.setting, patient.age, patient.sex)
    return yes, no


def _simple(reasoning: Reasoning, finding: str) -> bool:
    """A finding whose answers only add a factor: modelled, not a risk factor, not changing the complaint."""
    network, patient = reasoning.network, reasoning.patient
    yes, no = _answered(patient, finding)
    return (
        finding in network.index
        and bool(network.parents.get(finding))
        and finding not in network.complaints[:1]
        and complaint_of(network, yes.evidence) == reasoning.complaint
        and complaint_of(network, no.evidence) == reasoning.complaint
    )


def what_if(reasoning: Reasoning, finding: str) -> tuple[Reasoning, Reasoning, float]:
    """The reasoning if ``finding`` (not yet known) were present, and if absent, and P(present | evidence)."""
    network, patient = reasoning.network, reasoning.patient
    yes_patient, no_patient = _answered(patient, finding)
    said_as = _said_as(reasoning, finding)
    if said_as is not None:  # the complaint is answered already, in other words
        return _in_other_words(reasoning, finding, said_as)
    if finding in network.risk_factors:  # only the priors change: the expanded evidence is reused
        yes, no = _with_priors(reasoning, yes_patient), _with_priors(reasoning, no_patient)
        return yes, no, _p_risk_factor(reasoning, finding)
    if not _simple(reasoning, finding):  # a complaint: reason afresh
        return (*_afresh(reasoning, finding), _p_direct(reasoning, finding))
    if_present, if_absent, p = reasoning.prepared.what_if(reasoning.log_odds, finding)
    yes_prep = reasoning.prepared  # the terms are not needed again for a what-if's own what-ifs
    return (
        _reasoning(network, yes_patient, yes_prep, reasoning.log_odds, if_present),
        _reasoning(network, no_patient, yes_prep, reasoning.log_odds, if_absent),
        p,
    )


def _in_other_words(reasoning: Reasoning, finding: str, said_as: str) -> tuple[Reasoning, Reasoning, float]:
    """:func:`what_if` for a finding whose complaint the reasoning already counts in other words: an
    answer that agrees with the counted one, or denies it while it is affirmed, changes nothing; an
    answer that becomes the member counted (an affirmation of a denied complaint, or a wording earlier in
    the group's order, which then names the complaint) is reasoned afresh. The chance of a yes is that of
    the complaint: 1 when affirmed, 0 when denied."""
    network = reasoning.network
    affirmed = reasoning.patient.evidence[said_as] is Status.PRESENT
    members = network.wordings[finding]

    def answered(status: Status) -> Reasoning:
        patient = _answered(reasoning.patient, finding)[0 if status is Status.PRESENT else 1]
        if _counted_member(members, patient.evidence) != said_as:  # the answer is the one counted now
            return reason(network, patient)
        return dataclasses.replace(reasoning, said_with=(*reasoning.said_with, (finding, status, said_as)))

    return answered(Status.PRESENT), answered(Status.ABSENT), 1.0 if affirmed else 0.0


def _afresh(reasoning: Reasoning, finding: str) -> tuple[Reasoning, Reasoning]:
    """The reasoning if ``finding`` were present and if absent, each reasoned afresh unless the engine
    had already assumed that answer (:func:`_same_evidence`)."""
    yes_patient, no_patient = _answered(reasoning.patient, finding)
    yes = _same_evidence(reasoning, yes_patient) or reason(reasoning.network, yes_patient)
    no = (
        _same_evidence(reasoning, no_patient) or _denied(reasoning, no_patient) or reason(reasoning.network, no_patient)
    )
    return yes, no


def _sharing(reasoning: Reasoning, patient: Patient) -> Reasoning | None:
    """The reasoning for ``patient`` from the reasoning's own expansion, when the evidence it holds
    besides its complaint is the reasoning's (the complaint left out, so that another complaint, or
    back pain taken as present, is attributed instead); its prior odds may differ. ``None`` otherwise,
    or when its sums cancel too much (reason afresh)."""
    network, prepared = reasoning.network, reasoning.prepared
    if reasoning.uncounted or prepared.expansion is None or counted_part(network, patient)[1]:
        return None
    complaint = complaint_of(network, patient.evidence)
    known = _known(network, patient, complaint)
    rest = Evidence.of(network, {f: v for f, v in known.items() if f != complaint})
    expansion = prepared.expansion
    if rest != prepared.evidence:
        # A complaint already among the present findings: the part of the expansion without it.
        f0 = network.index.get(complaint) if complaint is not None else None
        if f0 is None or f0 not in prepared.evidence.present or rest != prepared.evidence.without(f0):
            return None
        expansion = without_present(network, expansion, f0)
    log_odds = network.prior_log_odds(patient.setting, patient.age, patient.sex, known)
    shared = Prepared.of(network, known, complaint, expanded=expansion)
    inference = shared.infer(log_odds)
    if inference.cancellation > MAX_CANCELLATION:
        return None
    return _reasoning(network, patient, shared, log_odds, inference)


def _denied(reasoning: Reasoning, answered: Patient) -> Reasoning | None:
    """The reasoning when back pain, taken as present because it was the complaint, is denied and no
    other complaint is known: the same evidence with back pain absent and nothing to attribute, from
    the reasoning's own expansion (:meth:`Prepared.complaint_denied`) when the prior odds are the same
    and the sums do not cancel too much. ``None`` otherwise (reason afresh)."""
    network = reasoning.network
    back_pain = network.complaints[0]
    if (
        reasoning.uncounted
        or reasoning.complaint != back_pain
        or back_pain in reasoning.patient.evidence
        or answered.evidence.get(back_pain) is not Status.ABSENT
        or complaint_of(network, answered.evidence) is not None
        or counted_part(network, answered)[1]
    ):
        return None
    known = _known(network, answered, None)
    if known != {**reasoning.prepared.known, back_pain: False}:
        return None
    log_odds = network.prior_log_odds(answered.setting, answered.age, answered.sex, known)
    prepared = reasoning.prepared.complaint_denied(known)
    if prepared is None or not np.array_equal(log_odds, reasoning.log_odds):
        return None
    inference = prepared.infer(log_odds)
    if inference.cancellation > MAX_CANCELLATION:
        return None
    return _reasoning(network, answered, prepared, log_odds, inference)


def _same_evidence(reasoning: Reasoning, answered: Patient) -> Reasoning | None:
    """The reasoning for an answer the engine had already assumed (back pain not stated is taken as
    present), when it sees exactly the evidence and prior odds it reasoned with: reasoning afresh
    would repeat the same sums. ``None`` otherwise."""
    network = reasoning.network
    complaint = complaint_of(network, answered.evidence)
    if reasoning.uncounted or complaint != reasoning.complaint:
        return None
    known = _known(network, answered, complaint)
    if known != reasoning.prepared.known:
        return None
    log_odds = network.prior_log_odds(answered.setting, answered.age, answered.sex, known)
    if not np.array_equal(log_odds, reasoning.log_odds):
        return None
    return _reasoning(network, answered, reasoning.prepared, reasoning.log_odds, reasoning.inference)


def _without(patient: Patient, finding: str) -> Patient:
    rest = {f: s for f, s in patient.evidence.items() if f != finding}
    return Patient(rest, patient.setting, patient.age, patient.sex)


def _with_priors_each(reasoning: Reasoning, patients: Sequence[Patient]) -> list[Reasoning]:
    """The reasoning for each patient, whose findings differ from the reasoning's only in risk factors
    (so only the prior odds change): from one batched sum over its terms (:meth:`Prepared.infer_each`)."""
    network = reasoning.network
    rows = [network.prior_log_odds(p.setting, p.age, p.sex, _known(network, p, reasoning.complaint)) for p in patients]
    inferences = reasoning.prepared.infer_each(np.array(rows).reshape(len(rows), len(network.conditions)))
    return [
        _reasoning(network, p, reasoning.prepared, row, inference)
        for p, row, inference in zip(patients, rows, inferences, strict=True)
    ]


def _with_priors(reasoning: Reasoning, patient: Patient) -> Reasoning:
    """The reasoning for ``patient``, whose findings differ from the reasoning's only in risk factors."""
    return _with_priors_each(reasoning, [patient])[0]


def _p_direct(reasoning: Reasoning, finding: str) -> float:
    """P(present | evidence) for a finding the network models (0.5 for one it does not)."""
    network = reasoning.network
    if finding not in network.index or not network.parents.get(finding):
        return 0.5
    _, _, p = reasoning.prepared.what_if(reasoning.log_odds, finding)
    return p


def _p_risk_factor(reasoning: Reasoning, finding: str) -> float:
    """P(risk factor present | evidence), from its ratios with the conditions it raises.

    The network does not model how common a risk factor is, only what it does; the
    chance of a yes is taken from the first linked condition's figures: P(rf | d) p(d) +
    P(rf | not d) (1 - p(d)). With no linked figure, 0.5.
    """
    kb = reasoning.network.knowledge
    for (condition, f), lk in kb.likelihoods.items():
        if f == finding and condition in reasoning.probabilities:
            p_d = reasoning.probabilities[condition]
            return lk.p_present_given_condition * p_d + lk.p_present_without_condition * (1.0 - p_d)
    return 0.5


def contributions(reasoning: Reasoning) -> dict[str, list[Contribution]]:
    """Per condition, every known piece of evidence with its exact effect on the condition's log-odds.

    A finding's weight is leave-one-out: log-odds with everything minus log-odds with
    this finding unknown and the rest kept. Weights of correlated findings need not
    add up to the total (they share what they show); each says what that finding adds.
    Stated back pain weighs nothing for the conditions: it is what makes the patient one of the
    setting's presenters, whose prevalences are the priors. Left out, it would turn the patient
    into a presenter with another complaint, whose priors are the same prevalences taken without
    the back (:meth:`Network.prior_log_odds`): a change of population, not evidence. For
    non-specific back pain, which is that back pain left to its mechanical background, it counts.
    """
    network, patient = reasoning.network, reasoning.patient
    kb = network.knowledge
    now = _log_odds_all(reasoning)
    out: dict[str, list[Contribution]] = {c: [] for c in kb.conditions}
    for condition in kb.conditions:
        if condition == network.derived:
            continue
        ratio = demographic_ratio(kb, condition, patient.age, None)
        if ratio != 1.0:
            by_age = kb.age[condition]
            out[condition].append(_demographic("age", str(patient.age), ratio, by_age.basis, by_age.sources))
        ratio = demographic_ratio(kb, condition, None, patient.sex)
        if ratio != 1.0 and patient.sex is not None:
            by_sex = kb.sex[condition]
            out[condition].append(_demographic("sex", patient.sex.value, ratio, by_sex.basis, by_sex.sources))
    known = [(f, s) for f, s in patient.evidence.items() if s is not Status.UNKNOWN and f in kb.findings]
    removable = [f for f, s in known if network.parents.get(f) and _removable(reasoning, f, s)]
    # An absent finding's factor is taken out of the terms again, all of them in batched sums; a risk
    # factor (or a finding nothing produces) changes only the prior odds: one batched sum for all.
    taken_out: dict[str, Inference | None] = dict(
        zip(removable, reasoning.prepared.without_absent_each(reasoning.log_odds, removable), strict=True)
    )
    # A present finding's part of the expansion is the expansion without it: all of them in one batch.
    leavable = [
        f for f, s in known if s is Status.PRESENT and f not in network.risk_factors and _leavable(reasoning, f)
    ]
    taken_out.update(zip(leavable, reasoning.prepared.without_present_each(reasoning.log_odds, leavable), strict=True))
    prior_only = [f for f, _ in known if f in network.risk_factors or not network.parents.get(f)]
    by_priors = dict(
        zip(prior_only, _with_priors_each(reasoning, [_without(patient, f) for f in prior_only]), strict=True)
    )
    back_pain = network.complaints[0]
    for finding, status in known:
        others = _without(patient, finding)
        population_only = finding == back_pain and status is Status.PRESENT
        if finding in by_priors:
            without = by_priors[finding]  # the expanded evidence does not hold it
        elif (inference := taken_out.get(finding)) is not None:
            without = _reasoning(network, others, reasoning.prepared, reasoning.log_odds, inference)
        else:
            without = _sharing(reasoning, others) or reason(network, others)
        before = _log_odds_all(without)
        for condition in kb.conditions:
            delta = now[condition] - before[condition]
            if population_only and condition != network.derived:
                delta = 0.0  # the population's defining complaint: its effect is in the priors
            link = network.links.get((condition, finding))
            lk = kb.likelihoods.get((condition, finding))
            if abs(delta) < 1e-12 and link is None:
                continue
            note = _note(network, condition, finding, link)
            out[condition].append(
                Contribution(
                    evidence=finding,
                    value=status.value,
                    likelihood_ratio=math.exp(delta),
                    weight=delta,
                    counted=True,
                    note=note,
                    group=kb.group_of.get(finding),
                    basis=lk.basis if lk is not None else Basis.CALCULATED,
                    sources=tuple(lk.sources) if lk is not None else (link.sources if link else ()),
                    kind="risk_factor" if finding in network.risk_factors else "finding",
                )
            )
    too_many = (
        f"not counted: more findings with shared causes than exact reasoning holds "
        f"({int(math.log2(MAX_TERMS)) - 2}); the least specific are left out"
    )
    for finding, given in reasoning.uncounted:
        _not_counted(reasoning, out, finding, given, too_many)
    for finding, given, counted_as in reasoning.said_with:
        note = f"the same complaint as {counted_as.replace('_', ' ')} in other words: counted once, with it"
        _not_counted(reasoning, out, finding, given, note)
    for items in out.values():
        items.sort(key=lambda c: (not c.counted, -abs(c.weight)))
    return out


def _not_counted(
    reasoning: Reasoning, out: dict[str, list[Contribution]], finding: str, given: Status, note: str
) -> None:
    """Show a known finding the reasoning left out, with why, for every condition it links to."""
    network, kb = reasoning.network, reasoning.network.knowledge
    for condition in kb.conditions:
        link = network.links.get((condition, finding))
        if link is None:
            continue
        lk = kb.likelihoods.get((condition, finding))
        out[condition].append(
            Contribution(
                evidence=finding,
                value=given.value,
                likelihood_ratio=1.0,
                weight=0.0,
                counted=False,
                note=note,
                group=kb.group_of.get(finding),
                basis=lk.basis if lk is not None else Basis.CALCULATED,
                sources=tuple(lk.sources) if lk is not None else link.sources,
            )
        )


def _removable(reasoning: Reasoning, finding: str, status: Status) -> bool:
    """An absent finding whose leave-one-out needs no new expansion: no inhibitors, not the complaint,
    not back pain (taken as present when it is the complaint and not known)."""
    network = reasoning.network
    return (
        status is Status.ABSENT
        and finding != reasoning.complaint
        and finding != network.complaints[0]
        and bool(np.all(network.inhibit[network.index[finding]] == 1.0))
    )


def _leavable(reasoning: Reasoning, finding: str) -> bool:
    """A present finding whose leave-one-out is a part of the reasoning's expansion: in the expanded
    evidence (not the complaint), with nothing left uncounted, and leaving it out changes neither the
    complaint nor the prior odds."""
    network, patient = reasoning.network, reasoning.patient
    if reasoning.uncounted or finding == reasoning.complaint or not network.parents.get(finding):
        return False
    if network.index[finding] not in reasoning.prepared.evidence.present:
        return False
    others = _without(patient, finding)
    if complaint_of(network, others.evidence) != reasoning.complaint:
        return False
    known = _known(network, others, reasoning.complaint)
    log_odds = network.prior_log_odds(others.setting, others.age, others.sex, known)
    return bool(np.array_equal(log_odds, reasoning.log_odds))


def _log_odds_all(reasoning: Reasoning) -> dict[str, float]:
    out = {}
    for condition, p in reasoning.probabilities.items():
        p = min(max(p, 1e-300), 1.0 - 1e-16)
        out[condition] = math.log(p) - math.log1p(-p)
    return out


def _demographic(kind: str, value: str, ratio: float, basis: Basis, sources: list[str]) -> Contribution:
    return Contribution(
        evidence=kind,
        value=value,
        likelihood_ratio=ratio,
        weight=math.log(ratio),
        counted=True,
        note=None,
        group=None,
        basis=basis,
        sources=tuple(sources),
        kind=kind,
    )


def _note(network: Network, condition: str, finding: str, link: object) -> str | None:
    from spinetriage.engine.network import LinkParameters

    if condition == network.derived:
        return "non-specific back pain is the complaint left unexplained: this finding changes what explains it"
    if not isinstance(link, LinkParameters):
        return "no direct link: it changes this condition by explaining (or not) findings they share"
    if link.kind == "inhibitor":
        return f"less common with this condition: its probability is multiplied by {link.value:.2f}"
    if link.kind == "complaint":
        return f"produces the complaint with strength {link.value:.2f}" + (
            f" through its {link.group.replace('_', ' ')}" if link.group else ""
        )
    if link.kind == "risk_factor" or finding in network.risk_factors:
        return "a cause of the condition: scales its prior odds"
    return f"noisy-OR cause, strength {link.value:.2f}" + (
        f" (through the condition's {link.group.replace('_', ' ')})" if link.group else ""
    )


def explained_by(reasoning: Reasoning) -> dict[str, list[tuple[str, float]]]:
    """For every present finding the network models: P(each parent produced it | evidence), and unexplained.

    A parent produced the finding when it is present and its link fired; several can
    fire at once, so the shares need not add up to 1.
    """
    network, patient = reasoning.network, reasoning.patient
    known = _known(network, patient, reasoning.complaint)
    findings = [
        f
        for f, present in known.items()
        if present and f in network.index and network.parents.get(f) and f != reasoning.complaint
    ]
    out: dict[str, list[tuple[str, float]]] = {}
    for finding, inference in zip(findings, attribute_each(network, known, findings, reasoning.log_odds), strict=True):
        shares = _shares(inference)
        out[finding] = sorted(shares.items(), key=lambda kv: -kv[1])
    for finding, given, counted_as in reasoning.said_with:
        if given is Status.PRESENT and counted_as in out:
            out[finding] = out[counted_as]  # one complaint in other words: the same explanation
    return out


def _shares(inference: Inference) -> dict[str, float]:
    """One present finding attributed among its parents' families, from the inference that held it out as
    the complaint."""
    result: dict[str, float] = {}
    for family, p in inference.sources.items():
        for name in family:
            result[name] = result.get(name, 0.0) + p
    return {("unexplained" if k in ("mechanical", UNEXPLAINED) else k): v for k, v in result.items()}
