"""The knowledge base compiled into a causal network of conditions and findings.

Conditions are the parents and are not mutually exclusive (tandem stenosis is real).
Each finding is their effect through a *noisy-OR*: every present condition that can
produce it does so independently with its causal strength, and a *leak* produces it
with none of them, as in QMR-DT and in Richens, Lee and Johri (Nat Commun 2020).

One mapping turns the knowledge base's published figures into the network's
parameters (:func:`link_parameters`, docs/reasoning.md):

* **leak** of a finding: the lowest false-positive rate (1 - specificity) among the
  conditions it argues for, i.e. the control group with the fewest other causes; a
  complaint's leak is its cited background rate (network.yaml).
* **causal strength** of a condition for a finding: ``1 - (1 - sensitivity) / (1 - leak)``,
  so that the condition acting alone reproduces the published sensitivity.
* **inhibition**: a finding that is *less* common with the condition (LR+ below 1:
  sensory loss in motor neuron disease, pain on sitting in stenosis) has its
  probability multiplied by that LR+ when the condition is present.
* **corroboration**: findings of one evidence group (groups.yaml) reach a condition
  through that condition's *expression* of the group, a hidden node private to the
  condition: expressed with the probability that at least one member would appear were
  they independent, and given expression each member appears with its strength divided
  by that (so each alone keeps its published sensitivity). Three signs of
  one lesion then corroborate one another instead of multiplying as independent
  tests (and are never reduced to the strongest one alone).
* **risk factors** and **age and sex** are causes of conditions: known, they scale a
  condition's prior odds by their likelihood ratio.
* **priors**: the knowledge base gives each condition's prevalence among patients who
  present with back pain. The network's priors are the population-level ones that give
  back those prevalences when back pain is the only thing known (:func:`fit_priors`),
  so that back pain can be explained away: a condition that explains it lowers the
  others, and non-specific back pain is what is left when nothing specific explains it.

Non-specific low back pain is therefore not a node: it is the probability that the
complaint was produced by its mechanical background alone (see
:mod:`spinetriage.engine.inference`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from spinetriage.errors import KnowledgeError
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.schema import Likelihood
from spinetriage.vocab import OriginFamily, Sex

Array = npt.NDArray[np.float64]

MIN_LEAK = 0.005
"""Floor on a leak (judgement): no finding is rarer than 1 in 200 back-pain presenters without a
modelled cause (misreported symptoms, unmodelled causes, chart errors). It also bounds the digits
that the signed term sums lose to cancellation (docs/reasoning.md). A cited background
(``network.yaml: backgrounds``) may lie below it: an imaging report that names a disease."""
LOG_FLOOR = -700.0
"""Where a log of 0 is clipped: exp(-700) is 0 to double precision, and 0 * -inf stays out of the sums."""
MAX_STRENGTH = 0.999
"""Ceiling on a causal strength: no condition produces a finding with certainty."""


@dataclass(frozen=True, slots=True)
class LinkParameters:
    """One condition's effect on one finding, and the figures it was derived from."""

    condition: str
    finding: str
    kind: str
    """``cause`` (noisy-OR strength), ``inhibitor`` (multiplier) or ``complaint`` (network.yaml)."""
    value: float
    group: str | None
    likelihood: Likelihood | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Network:
    """Arrays indexed [finding, condition]; a 0 strength or a 1 inhibitor means no link."""

    knowledge: KnowledgeBase
    conditions: tuple[str, ...]
    derived: str
    """The condition that is not a node: non-specific back pain, the complaint left unexplained."""
    families: tuple[OriginFamily, ...]
    findings: tuple[str, ...]
    index: dict[str, int]
    leak: Array
    strength: Array
    """Noisy-OR strength p[f, d] (direct, or given expression for grouped findings)."""
    inhibit: Array
    """Multiplier r[f, d] <= 1 on P(finding present) when the condition is present."""
    via: npt.NDArray[np.int64]
    """via[f, d]: the group through whose expression condition d produces finding f (-1: directly)."""
    groups: tuple[str, ...]
    expression: Array
    """e[g, d]: probability that condition d expresses group g."""
    links: dict[tuple[str, str], LinkParameters]
    risk_factors: frozenset[str]
    complaints: tuple[str, ...]
    log_odds: dict[str, Array]
    """Per setting, the population prior log-odds of each condition, fitted so that back pain, counted as
    evidence, gives back the cited prevalences."""
    presenter_log_odds: dict[str, Array]
    """Per setting, the prior log-odds of a presenter whose back pain is not known: they give back the
    cited prevalences with nothing known (see :meth:`prior_log_odds`)."""
    targets: dict[str, Array]
    """Per setting, the cited prevalence among back-pain presenters that the fit reproduces."""
    parents: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Per finding, the conditions with a link to it (cause or inhibitor)."""
    pairs: tuple[tuple[int, int, float], ...] = ()
    """Conditions (a, b) that are not independent a priori, with their odds ratio (network.yaml
    co_occurrences); each condition is in at most one pair."""

    @property
    def version(self) -> str:
        return self.knowledge.version

    def prior_log_odds(self, setting: str, age: int | None, sex: Sex | None, known: Mapping[str, bool]) -> Array:
        """The conditions' prior log-odds for this patient: population prior, age, sex, risk factors.

        The cited prevalences are those of the setting's presenters. When back pain is known (stated,
        or taken as present because it is the complaint) it is evidence, and the population prior is
        the one that gives the prevalences back once it is counted. When it is not known (a presenter
        whose complaint is a leg, gait or arm complaint and whose back is not recorded), nothing about
        the back is assumed: the prior gives the prevalences back as they stand.
        """
        base = self.log_odds if self.complaints[0] in known else self.presenter_log_odds
        out = base[setting] + self._log_demographic_ratio(age, sex)
        for finding, present in known.items():
            ratios = self._log_risk_ratios.get(finding)
            if ratios is not None:
                out += ratios[0 if present else 1]
        return out

    def _log_demographic_ratio(self, age: int | None, sex: Sex | None) -> Array:
        """log of :func:`demographic_ratio` per condition, remembered per age and sex (a few hundred at most)."""
        key = (age, sex)
        out = self._demographic_cache.get(key)
        if out is None:
            out = np.log(np.array([demographic_ratio(self.knowledge, c, age, sex) for c in self.conditions]))
            out.flags.writeable = False
            self._demographic_cache[key] = out
        return out

    @functools.cached_property
    def attributions(self) -> dict[tuple[str, str], tuple[tuple[frozenset[str], ...], npt.NDArray[np.bool_], Array]]:
        """Per complaint and leak family, what attributing the complaint needs that depends on nothing
        else (made and kept by :func:`spinetriage.engine.inference._attribution`)."""
        return {}

    @functools.cached_property
    def local_to_the_neck(self) -> frozenset[str]:
        """Complaints that are the neck's own by definition (network.yaml): what no modelled condition explains
        of them is still cervical, and alone they read cervical (reasoner.verdict)."""
        return frozenset(self.knowledge.structure.local_to_the_neck)

    @functools.cached_property
    def nonspecific_in_the_neck(self) -> frozenset[str]:
        """Complaints local to the neck whose unexplained part is mechanical neck pain (network.yaml)."""
        return frozenset(self.knowledge.structure.nonspecific_in_the_neck)

    @functools.cached_property
    def referred_from_the_back(self) -> frozenset[str]:
        """Leg complaints that nothing modelled explains and that are then pain referred from the lower back
        (network.yaml), when back pain is recorded (:meth:`spinetriage.engine.inference.Prepared.of`)."""
        return frozenset(self.knowledge.structure.referred_from_the_back)

    @functools.cached_property
    def lumbar_root_pain(self) -> frozenset[str]:
        """Complaints that are a lumbosacral root's pain by definition (network.yaml): what no modelled
        condition explains of them is still lumbar."""
        return frozenset(self.knowledge.structure.lumbar_root_pain)

    @functools.cached_property
    def neck_not_ruled_out_by(self) -> frozenset[str]:
        """Imaging findings that, while recorded, keep the neck among the possible sources of a complaint
        (network.yaml; :func:`spinetriage.engine.reasoner.complaint_verdict`)."""
        return frozenset(self.knowledge.structure.neck_not_ruled_out_by)

    @functools.cached_property
    def wordings(self) -> dict[str, tuple[str, ...]]:
        """Per member of a wordings group (groups.yaml: one complaint in different words), the group's members."""
        groups = self.knowledge.groups.values()
        return {m: tuple(g.members) for g in groups if g.wordings for m in g.members}

    @functools.cached_property
    def _demographic_cache(self) -> dict[tuple[int | None, Sex | None], Array]:
        return {}

    def causes_of(self, finding: str | None) -> frozenset[str]:
        """The conditions that produce ``finding`` (a causal strength; a condition that only argues against it,
        an inhibitor, is not one)."""
        if finding is None or finding not in self.index:
            return frozenset()
        row = self.strength[self.index[finding]]
        return frozenset(c for c, s in zip(self.conditions, row, strict=True) if s > 0)

    def bears_on_a_condition(self, finding: str) -> bool:
        """Whether knowing ``finding`` can move a probability: a condition produces it, or it is a risk
        factor with a cited ratio. A recorded-only finding (recorded_only.yaml) does neither."""
        return bool(self.parents.get(finding)) or finding in self._log_risk_ratios

    @functools.cached_property
    def _log_risk_ratios(self) -> dict[str, tuple[Array, Array]]:
        """Per risk factor, log LR per condition when it is present and when absent (0: no link)."""
        out: dict[str, tuple[Array, Array]] = {}
        for (condition, finding), lk in self.knowledge.likelihoods.items():
            if finding not in self.risk_factors or condition not in self.conditions:
                continue
            present, absent = out.setdefault(finding, (np.zeros(len(self.conditions)), np.zeros(len(self.conditions))))
            d = self.conditions.index(condition)
            present[d] = math.log(lk.ratio_present)
            absent[d] = math.log(lk.ratio_absent)
        return out

    @functools.cached_property
    def log_tables(self) -> LogTables:
        """The logs of every strength, inhibitor and expression, taken once (the sums use nothing else)."""
        with np.errstate(divide="ignore"):
            # A member that always appears once its group is expressed has log(1 - 1) = -inf; a floor
            # keeps 0 * -inf out of the products and changes nothing (exp(-700) is 0 to double precision).
            return LogTables(
                q=np.maximum(np.log1p(-self.strength), LOG_FLOOR),
                p=np.maximum(np.log(self.strength), LOG_FLOOR),
                r=np.log(self.inhibit),
                expressed=np.log(self.expression),
                silent=np.log1p(-self.expression),
                expressing=tuple(np.flatnonzero(e > 0) for e in self.expression),
            )


@dataclass(frozen=True)
class LogTables:
    """The network's parameters as logs, the form the exact sums multiply in."""

    q: Array
    """log(1 - strength) [finding, condition]"""
    p: Array
    """log(strength) [finding, condition]"""
    r: Array
    """log(inhibitor) [finding, condition]"""
    expressed: Array
    """log(expression) [group, condition]"""
    silent: Array
    """log(1 - expression) [group, condition]"""
    expressing: tuple[npt.NDArray[np.intp], ...]
    """Per group, the conditions that can express it (the others' factor for the group is 1)."""


def demographic_ratio(kb: KnowledgeBase, condition: str, age: int | None, sex: Sex | None) -> float:
    """The product of the condition's age and sex likelihood ratios for this patient (1 if unknown)."""
    ratio = 1.0
    by_age = kb.age.get(condition)
    if by_age is not None and age is not None:
        for band in by_age.bands:
            if band.min_age <= age < band.max_age:
                ratio *= band.lr
    by_sex = kb.sex.get(condition)
    if by_sex is not None and sex is not None:
        ratio *= by_sex.lr.get(sex, 1.0)
    return ratio


def finding_leak(likelihoods: list[Likelihood]) -> float:
    """The lowest false-positive rate among the links that argue for the finding (LR+ > 1)."""
    rates = [lk.p_present_without_condition for lk in likelihoods if lk.ratio_present > 1.0]
    if not rates:
        rates = [lk.p_present_without_condition for lk in likelihoods]
    return max(MIN_LEAK, min(rates)) if rates else MIN_LEAK


def link_parameters(lk: Likelihood, leak: float) -> tuple[str, float]:
    """The one mapping from a published accuracy figure to a network parameter.

    A finding more common with the condition becomes a noisy-OR cause whose strength
    reproduces the sensitivity when the condition acts alone; one less common with
    it becomes an inhibitor that multiplies its probability by the LR+.
    """
    if lk.ratio_present >= 1.0:
        sensitivity = lk.p_present_given_condition
        strength = 1.0 - (1.0 - sensitivity) / (1.0 - leak)
        return "cause", min(MAX_STRENGTH, max(0.0, strength))
    return "inhibitor", lk.ratio_present


def compile_network(kb: KnowledgeBase) -> Network:
    """Arrange the knowledge base into the network's arrays and fit its priors."""
    structure = kb.structure
    derived = next(c for c, cond in kb.conditions.items() if cond.origin_family is OriginFamily.LUMBAR_NONSPECIFIC)
    conditions = tuple(c for c in kb.conditions if c != derived)
    risk = frozenset(rf.finding for rf in structure.risk_factors)
    findings = tuple(f for f in kb.findings if f not in risk)
    index = {f: i for i, f in enumerate(findings)}
    col = {c: i for i, c in enumerate(conditions)}
    n_f, n_d = len(findings), len(conditions)

    by_finding: dict[str, list[Likelihood]] = {}
    for (condition, finding), lk in kb.likelihoods.items():
        if condition != derived and finding in index:
            by_finding.setdefault(finding, []).append(lk)
    backgrounds = {bg.finding: bg.probability for bg in structure.backgrounds}

    leak = np.full(n_f, MIN_LEAK)
    strength = np.zeros((n_f, n_d))
    inhibit = np.ones((n_f, n_d))
    links: dict[tuple[str, str], LinkParameters] = {}
    for finding, lks in by_finding.items():
        f = index[finding]
        leak[f] = backgrounds.get(finding, finding_leak(lks))
        for lk in lks:
            kind, value = link_parameters(lk, float(leak[f]))
            d = col[lk.condition]
            if kind == "cause":
                strength[f, d] = value
            else:
                inhibit[f, d] = value
            links[(lk.condition, finding)] = LinkParameters(
                lk.condition, finding, kind, value, kb.group_of.get(finding), lk, tuple(lk.sources)
            )
    for finding, probability in backgrounds.items():
        if finding in index:
            leak[index[finding]] = probability

    # Expression groups: a condition expresses a group with the probability that at least one
    # member would appear were they independent, or with a cited figure (groups.yaml: expressions);
    # given expression, each member appears with its strength divided by that, so each alone keeps
    # its published sensitivity.
    groups = tuple(kb.groups)
    group_index = {g: i for i, g in enumerate(groups)}
    group_of = [group_index.get(kb.group_of.get(f, ""), -1) for f in findings]
    via = np.full((n_f, n_d), -1, dtype=np.int64)
    silent = np.ones((len(groups), n_d))
    for f, g in enumerate(group_of):
        if g >= 0:
            silent[g] *= 1.0 - strength[f]
    expression = 1.0 - silent
    _cite_expressions(kb, groups, group_of, col, strength, expression)
    for f, g in enumerate(group_of):
        if g >= 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                strength[f] = np.where(expression[g] > 0, strength[f] / expression[g], 0.0)
            via[f] = np.where(strength[f] > 0, g, -1)

    # Complaint links (network.yaml): a causal strength, optionally through a group's expression.
    for cl in structure.complaint_links:
        f, d = index[cl.finding], col[cl.condition]
        strength[f, d] = min(MAX_STRENGTH, cl.probability)
        if cl.through_group is not None:
            via[f, d] = group_index[cl.through_group]
            if expression[via[f, d], d] <= 0:
                raise KnowledgeError(
                    [
                        f"network.yaml: {cl.condition} produces {cl.finding} through {cl.through_group}, "
                        "but no finding of that group is linked to the condition, so it never expresses it"
                    ]
                )
        links[(cl.condition, cl.finding)] = LinkParameters(
            cl.condition, cl.finding, "complaint", cl.probability, cl.through_group, None, tuple(cl.sources)
        )
    parents = {
        finding: tuple(int(d) for d in np.flatnonzero((strength[index[finding]] > 0) | (inhibit[index[finding]] < 1)))
        for finding in findings
    }
    pairs = []
    for co in structure.co_occurrences:
        if derived in co.conditions:
            raise KnowledgeError([f"network.yaml: {derived} is not a node, so it cannot co-occur with another"])
        a, b = (col[c] for c in co.conditions)
        pairs.append((a, b, co.odds_ratio))
    network = Network(
        knowledge=kb,
        conditions=conditions,
        derived=derived,
        families=tuple(kb.conditions[c].origin_family for c in conditions),
        findings=findings,
        index=index,
        leak=leak,
        strength=strength,
        inhibit=inhibit,
        via=via,
        groups=groups,
        expression=expression,
        links=links,
        risk_factors=risk,
        complaints=tuple(c for c in structure.complaints if c in index),
        log_odds={},
        presenter_log_odds={},
        targets={},
        parents=parents,
        pairs=tuple(pairs),
    )
    for setting in kb.settings:
        target = np.array([kb.prior(setting, c).probability for c in conditions])
        network.targets[setting] = target
        network.log_odds[setting] = fit_priors(network, target)
        network.presenter_log_odds[setting] = fit_priors(network, target, given_back_pain=False)
    return network


def pair_joint(pa: Array, pb: Array, odds_ratio: float) -> tuple[Array, Array, Array, Array]:
    """P(a, b) for (0, 0), (1, 0), (0, 1), (1, 1) with marginals ``pa``, ``pb`` and the odds ratio.

    The joint of two binary variables is fixed by its margins and odds ratio (Plackett 1965);
    P(1, 1) is the root of (1 - pa - pb + x) x / ((pa - x)(pb - x)) = odds_ratio in [0, min(pa, pb)],
    written in the rationalised form that does not cancel when both margins are small.
    """
    pa, pb = np.asarray(pa, dtype=float), np.asarray(pb, dtype=float)
    if odds_ratio == 1.0:
        p11 = pa * pb
    else:
        s = 1.0 + (pa + pb) * (odds_ratio - 1.0)
        root = np.sqrt(np.maximum(s * s - 4.0 * odds_ratio * (odds_ratio - 1.0) * pa * pb, 0.0))
        p11 = 2.0 * odds_ratio * pa * pb / (s + root)
    return 1.0 - pa - pb + p11, pa - p11, pb - p11, p11


def fit_priors(
    network: Network, target: Array, given_back_pain: bool = True, iterations: int = 200, tolerance: float = 1e-12
) -> Array:
    """Population prior log-odds that give back ``target`` when back pain is all that is known
    (``given_back_pain``), or when nothing is known (then the fit only undoes what the tandem
    pair's odds ratio adds to its members' marginals).

    Fixed-point iteration on the log-odds: each step adds the gap between the target's
    and the current posterior's log-odds. Conditions that do not produce back pain are
    independent of it, so their prior is the target itself.
    """
    from spinetriage.engine.inference import Evidence, posterior_log_odds

    complaint = network.complaints[0]
    evidence = Evidence.of(network, {complaint: True} if given_back_pain else {})
    goal = np.log(target / (1.0 - target))
    log_odds = goal.copy()
    for _ in range(iterations):
        current = posterior_log_odds(network, evidence, log_odds)
        gap = goal - current
        log_odds = log_odds + gap
        if float(np.max(np.abs(gap))) < tolerance:
            break
    return log_odds


def _cite_expressions(
    kb: KnowledgeBase,
    groups: tuple[str, ...],
    group_of: list[int],
    col: dict[str, int],
    strength: Array,
    expression: Array,
) -> None:
    """Set each cited expression (groups.yaml) in ``expression``, refusing one that cannot hold: at
    least one member appears at least as often as the condition produces its strongest member alone."""
    for g, group_id in enumerate(groups):
        for cited in kb.groups[group_id].expressions:
            d = col[cited.condition]
            members = [f for f, of in enumerate(group_of) if of == g]
            strongest = max(strength[f, d] for f in members)
            if strongest <= 0:
                raise KnowledgeError(
                    [
                        f"groups.yaml: {cited.condition} is given an expression of {group_id} "
                        "but produces none of its members"
                    ]
                )
            if cited.probability < strongest:
                raise KnowledgeError(
                    [
                        f"groups.yaml: {cited.condition} expresses {group_id} with {cited.probability}, below "
                        f"the strength {strongest:.3f} with which it produces one member alone: at least one "
                        "member appears at least that often"
                    ]
                )
            expression[g, d] = cited.probability
