"""Exact inference in the noisy-OR network, by expanding the evidence into product terms.

Given the conditions present, a finding's probabilities are

    P(absent)  = 1 - R + R * Q        P(present) = R - R * Q

where Q = (1 - leak) * prod over present conditions of (1 - strength), with a
grouped finding's factor summed over the condition's hidden expression node, and
R = prod over present conditions of the inhibition multipliers. Every one of these
is a product over conditions of a factor that depends on that condition alone. So
the likelihood of all the evidence expands into a signed sum of terms, each a
product over conditions; and since conditions are independent a priori, each term
sums over the 2^N condition states in O(N):

    P(evidence) = sum_t sign_t * const_t * prod_d [(1 - pi_d) + pi_d * h_d(t)]

This is Quickscore (Heckerman 1990) extended to inhibitors and private hidden nodes:
an absent finding without inhibitors costs one factor; a present finding doubles the
terms (2^k for k present findings). Everything is exact: a test checks it against
pgmpy's variable elimination on the same network.

The origin uses the same sum. The complaint's noisy-OR is split by the *family* of
each source (cervical, lumbar, mechanical, serious, other), and the probability that
exactly a set K of families produced the complaint follows by inclusion-exclusion
over the sums W_J in which only sources of families in J may fire.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from spinetriage.engine.network import LOG_FLOOR, Array, Network, pair_joint
from spinetriage.errors import InputError
from spinetriage.vocab import OriginFamily

SOURCE_FAMILIES = ("cervical", "lumbar", "mechanical", "serious", "other")
"""Who can produce the complaint. ``mechanical`` is the leak of back pain; a leak of any other
complaint is ``unexplained``."""
UNEXPLAINED = "unexplained"
_TINY = 1e-300
_CANCELLATION = 1e-6
"""Below this chance of a yes, a what-if's present answer is expanded afresh rather than subtracted."""

_FAMILY_OF = {
    OriginFamily.CERVICAL: "cervical",
    OriginFamily.LUMBAR_SPECIFIC: "lumbar",
    OriginFamily.LUMBAR_NONSPECIFIC: "mechanical",
    OriginFamily.SERIOUS: "serious",
    OriginFamily.OTHER: "other",
    OriginFamily.NONE: "serious",
}


def source_family(family: OriginFamily) -> str:
    return _FAMILY_OF[family]


@dataclass(frozen=True)
class Evidence:
    """Known findings of the network (risk factors excluded), split by status."""

    present: tuple[int, ...]
    absent: tuple[int, ...]

    @classmethod
    def of(cls, network: Network, known: Mapping[str, bool]) -> Evidence:
        present: list[int] = []
        absent: list[int] = []
        for finding, is_present in known.items():
            f = network.index.get(finding)
            if f is None or not network.parents.get(finding):
                continue  # a risk factor, or a finding no condition produces: a constant factor
            (present if is_present else absent).append(f)
        return cls(tuple(sorted(present)), tuple(sorted(absent)))

    def without(self, f: int) -> Evidence:
        return Evidence(tuple(x for x in self.present if x != f), tuple(x for x in self.absent if x != f))

    def split(self, network: Network) -> tuple[Evidence, tuple[int, ...]]:
        """The evidence to expand, and the present findings with one parent, which need no expansion.

        A present finding that only one condition links to is ``leak`` without that condition and a
        fixed factor with it (:func:`_folded_logs`): exact, and it keeps the number of terms small.
        """
        single = tuple(f for f in self.present if len(network.parents[network.findings[f]]) == 1)
        return Evidence(tuple(f for f in self.present if f not in single), self.absent), single


_Choice = tuple[Array, Array, float, float, float]
"""One way a finding enters a term: q mask [D], fired mask [D], R (0/1), sign, log constant."""


@dataclass(frozen=True)
class _Terms:
    """The expansion: every combination of one *choice* per known finding (column k).

    A choice says, per condition d, whether the term holds d's "did not fire" factor for the
    finding (``q``, 1 - strength) or its "fired" factor (``f``, strength: d must be present),
    whether it holds the finding's inhibition multipliers (``r``), and a sign and a log
    constant. Term t takes choice ``digit_k(t)`` of column k, its mixed-radix digits with the
    last column varying fastest, so anything that adds up over columns is an outer sum of
    per-choice vectors (:func:`_outer_sum`).
    """

    choices: tuple[tuple[_Choice, ...], ...]
    sign: Array
    log_const: Array
    must: npt.NDArray[np.bool_]
    """[T, D]: the term needs condition d present (one of its links fired)."""
    findings: tuple[int, ...]
    n_present: int = 0
    """Columns before this are present findings; after it, absent ones (whose "fired" factor, for
    an absent finding with one inhibiting condition, is that condition's 1 - r)."""

    @property
    def size(self) -> int:
        return int(self.sign.shape[0])


def _outer_sum(sizes: Sequence[int], parts: Mapping[int, Array]) -> Array:
    """``out[t] = sum_k parts[k][digit_k(t)]`` over every combination of one choice per column (the
    last varying fastest), for parts [C_k, ...] of some of the columns (the others add nothing).

    Built as a broadcast over one axis per column, so a column without a part costs nothing
    but the final copy: O(T x width), not O(T x columns x width)."""
    rest = next(iter(parts.values())).shape[1:] if parts else ()
    acc = np.zeros((1,) * len(sizes) + rest)
    for k, part in parts.items():
        shape = [1] * len(sizes)
        shape[k] = sizes[k]
        acc = acc + part.reshape(*shape, *rest)
    return np.broadcast_to(acc, (*sizes, *rest)).reshape(-1, *rest)


MAX_TERMS = 2**12
"""Present findings with several possible causes double the terms each (so do absent ones with an
inhibitor); beyond this many terms exact inference is refused with a clear error rather than
left to exhaust memory and time."""
_BATCH_ELEMENTS = 4_000_000
"""Elements of one batched what-if array (about 32 MB)."""
FIRST_BUDGET = 64
"""Terms allowed for the stable expansion of present findings at first (see :func:`_expand`)."""
MAX_BUDGET = 4096
"""The largest budget :meth:`Prepared.precise` grows to while the sums cancel too much."""
MAX_CANCELLATION = 1e5
"""Sum of the terms' magnitudes over the sum itself above which the budget grows: double precision
keeps about 16 digits, so this keeps every posterior within about 1e-11 of exact."""
SKIP_MARGIN = -1.0
"""Digits beyond log10(MAX_CANCELLATION) at which :meth:`Prepared.precise` skips a budget foreseen to
cancel that much (see :func:`_first_budget`). Negative: the foresight falls short more often than it
overshoots, so a budget foreseen within a digit of the limit is skipped too (measured fastest on the
screening population: 15% less time than trying every budget; a larger budget is only more precise)."""


def _present_choices(network: Network, f: int, stable: bool) -> list[_Choice]:
    """P(present) = R (1 - Q): signed as R - R Q, or stable as a sum over which source fires first.

    The stable form (leak fires; or the leak does not, parents before j do not, parent j does)
    has only positive terms, so nothing cancels; it costs one term per parent instead of two.
    """
    n = len(network.conditions)
    none, ones = np.zeros(n), np.ones(n)
    has_r = 0.0 if np.all(network.inhibit[f] == 1.0) else 1.0
    log_open = math.log1p(-network.leak[f])
    if not stable:
        return [(none, none, has_r, 1.0, 0.0), (ones, none, has_r, -1.0, log_open)]
    choices: list[_Choice] = [(none, none, has_r, 1.0, math.log(network.leak[f]))]
    causes = [d for d in range(n) if network.strength[f, d] > 0]
    for j, d in enumerate(causes):
        q = np.zeros(n)
        q[causes[:j]] = 1.0
        fired = np.zeros(n)
        fired[d] = 1.0
        choices.append((q, fired, has_r, 1.0, log_open))
    return choices


def _absent_choices(network: Network, f: int) -> list[_Choice]:
    """P(absent) = 1 - R + R Q; without inhibitors, just Q.

    With one inhibiting condition i this is Q when i is absent and (1 - r_i) + r_i Q when i is
    present: two positive terms, R Q and "(1 - r_i), i present" (carried as i's fired factor).
    """
    n = len(network.conditions)
    none, ones = np.zeros(n), np.ones(n)
    log_open = math.log1p(-network.leak[f])
    inhibitors = np.flatnonzero(network.inhibit[f] < 1.0)
    if inhibitors.size == 0:
        return [(ones, none, 0.0, 1.0, log_open)]
    if inhibitors.size == 1:
        only = np.zeros(n)
        only[inhibitors[0]] = 1.0
        return [(ones, none, 1.0, 1.0, log_open), (none, only, 0.0, 1.0, 0.0)]
    return [(none, none, 0.0, 1.0, 0.0), (none, none, 1.0, -1.0, 0.0), (ones, none, 1.0, 1.0, log_open)]


def doublings(network: Network, f: int, present: bool) -> float:
    """log2 of the factor by which a known finding multiplies the number of terms.

    A present finding with several parents doubles them (one parent is folded in); an absent
    finding with one inhibiting condition doubles them, with several it triples them (see
    :func:`_absent_choices`); any other finding adds no term.
    """
    if present:
        return 1.0 if len(network.parents.get(network.findings[f], ())) > 1 else 0.0
    inhibitors = int(np.count_nonzero(network.inhibit[f] < 1.0))
    return 0.0 if inhibitors == 0 else 1.0 if inhibitors == 1 else math.log2(3)


def _held_out(network: Network, known: Mapping[str, bool], complaint: str | None) -> tuple[Evidence, int | None]:
    """The evidence to expand, and the complaint's index when it is held out of it for attribution (a
    complaint the network models); ``None`` when there is no such complaint and nothing is held out."""
    evidence = Evidence.of(network, known)
    if complaint is None or complaint not in network.index or not network.parents.get(complaint):
        return evidence, None
    f0 = network.index[complaint]
    return evidence.without(f0), f0


def _stable(network: Network, present: Sequence[int], budget: int) -> set[int]:
    """The present findings expanded in the stable form: the rarest first, while the terms fit ``budget``."""
    n_causes = {f: int(np.count_nonzero(network.strength[f] > 0)) for f in present}
    total = 2 ** len(present)
    stable: set[int] = set()
    for f in sorted(present, key=lambda x: (network.leak[x], x)):
        grown = total // 2 * (1 + n_causes[f])
        if grown <= budget:
            stable.add(f)
            total = grown
    return stable


def _first_budget(network: Network, present: Sequence[int]) -> int:
    """The smallest budget whose signed-form present findings are not foreseen to cancel too much.

    Each present finding left in the signed form cancels by about 1 / leak, so their digits add up;
    measured against the cancellation the sums report, the foresight is within about three digits
    either way. A budget foreseen to cancel by more than 10 ** (log10(MAX_CANCELLATION) +
    SKIP_MARGIN) is skipped: it would most likely be expanded and then grown anyway. The sums still
    measure the result, and the budget still grows while they cancel too much.
    """
    budget = FIRST_BUDGET
    limit = math.log10(MAX_CANCELLATION) + SKIP_MARGIN
    while budget < MAX_BUDGET:
        signed = set(present) - _stable(network, present, budget)
        if math.fsum(-math.log10(network.leak[f]) for f in signed) <= limit:
            return budget
        budget *= 4
    return MAX_BUDGET


def _expand(network: Network, evidence: Evidence, budget: int = FIRST_BUDGET) -> _Terms:
    """Expand the evidence into terms; present findings with the smallest leaks first get the stable form.

    A present finding's signed form cancels by about its leak (1 - Q is small when nothing
    produces it), so the rarest findings are expanded stably while the number of terms stays
    within ``budget``; the rest keep the signed form, whose cancellation the sums measure.
    """
    stable = _stable(network, evidence.present, budget)
    choices = [_present_choices(network, f, f in stable) for f in evidence.present]
    choices += [_absent_choices(network, f) for f in evidence.absent]
    columns = (*evidence.present, *evidence.absent)
    n = len(network.conditions)
    if not columns:
        return _Terms((), np.ones(1), np.zeros(1), np.zeros((1, n), bool), (), 0)
    return _product(choices, columns, len(evidence.present))


def _product(choices: Sequence[Sequence[_Choice]], columns: tuple[int, ...], n_present: int) -> _Terms:
    """Every combination of one choice per column, as outer sums over the columns."""
    sizes = [len(col) for col in choices]
    negative = _outer_sum(sizes, {k: np.array([c[3] < 0 for c in col], float) for k, col in enumerate(choices)})
    sign = np.where(np.round(negative) % 2 == 1, -1.0, 1.0)
    log_const = _outer_sum(sizes, {k: np.array([c[4] for c in col]) for k, col in enumerate(choices)})
    must = _outer_sum(sizes, {k: np.array([c[1] for c in col]) for k, col in enumerate(choices)}) > 0
    return _Terms(tuple(tuple(col) for col in choices), sign, log_const, must, findings=columns, n_present=n_present)


_MOBIUS: dict[tuple[frozenset[str], ...], Array] = {}


def _mobius(subsets: tuple[frozenset[str], ...]) -> Array:
    """M[K, J] = (-1)^(|K| - |J|) for J within K: P(exactly K fired) = sum_J M[K, J] W_J."""
    if subsets not in _MOBIUS:
        _MOBIUS[subsets] = np.array(
            [[(-1.0) ** (len(k) - len(j)) if j <= k else 0.0 for j in subsets] for k in subsets]
        )
    return _MOBIUS[subsets]


def _attribution(
    network: Network, complaint: str, leak_family: str
) -> tuple[tuple[frozenset[str], ...], npt.NDArray[np.bool_], Array]:
    """The subsets of source families that can produce the complaint, which conditions each blocks and
    the log of the complaint's leak staying closed in each (see :class:`Prepared`). They depend only
    on the network and the complaint, so they are made once per network (read-only)."""
    key = (complaint, leak_family)
    if key not in network.attributions:
        source_of = [source_family(fam) for fam in network.families]
        families = sorted({source_of[d] for d in network.parents[complaint]} | {leak_family})
        subsets = tuple(
            frozenset(sub) for size in range(len(families) + 1) for sub in itertools.combinations(families, size)
        )
        blocked = np.array([[source not in sub for source in source_of] for sub in subsets])
        log_closed = math.log1p(-network.leak[network.index[complaint]])
        closed = np.array([0.0 if leak_family in sub else log_closed for sub in subsets])
        blocked.flags.writeable = False
        closed.flags.writeable = False
        network.attributions[key] = (subsets, blocked, closed)
    return network.attributions[key]


class _Factors:
    """log h[t, d] for a set of terms, with what-if findings added cheaply.

    The per-group sums (inside each condition's expression bracket) are kept, so adding a
    finding's Q or R factor to every term touches only its own links and groups.
    """

    def __init__(
        self, network: Network, terms: _Terms, folded: Sequence[int] = (), plain_absent: Sequence[int] = ()
    ) -> None:
        self.network = network
        cols = list(terms.findings)
        t, n = terms.size, len(network.conditions)
        self.base = np.zeros((t, n))
        self.inner: dict[int, Array] = {}
        self.must: dict[int, npt.NDArray[np.bool_]] = {}
        self.bracket: dict[int, Array] = {}
        fixed, fixed_inner = _folded_logs(network, folded)
        if plain_absent:
            log_q, _, _ = _logs(network, list(plain_absent))
            via = network.via[list(plain_absent)]
            fixed = fixed + np.where(via < 0, log_q, 0.0).sum(axis=0)
            for g in {int(x) for x in np.unique(via[via >= 0])}:
                fixed_inner[g] = fixed_inner.get(g, np.zeros(n)) + np.where(via == g, log_q, 0.0).sum(axis=0)
        self.base += fixed
        if not cols and not fixed_inner:
            self.total = self.base
            return
        if not cols:
            for g, more in fixed_inner.items():
                self.inner[g] = np.zeros((t, n)) + more
                self.bracket[g] = self._bracket(g, self.inner[g])
            self.total = self.base + sum(self.bracket.values(), np.zeros_like(self.base))
            return
        log_q, log_p, log_r = _logs(network, cols)
        absent = np.arange(len(cols)) >= terms.n_present
        with np.errstate(divide="ignore"):  # an absent finding's "fired" factor: its inhibitor's 1 - r
            log_p = np.where(absent[:, None], np.maximum(np.log1p(-network.inhibit[cols]), LOG_FLOOR), log_p)
        via = network.via[cols]
        q_mask = [np.array([c[0] for c in col]) for col in terms.choices]  # per column [C_k, D]
        f_mask = [np.array([c[1] for c in col]) for col in terms.choices]
        r_flag = [np.array([c[2] for c in col]) for col in terms.choices]  # [C_k]
        # Per column and choice, the log factor of every link (a condition not linked has log 1 = 0).
        logs = [q_mask[k] * log_q[k] + f_mask[k] * log_p[k] for k in range(len(cols))]
        direct = via < 0
        sizes = [len(col) for col in terms.choices]
        self.base = fixed + _outer_sum(
            sizes, {k: np.where(direct[k], logs[k], 0.0) + r_flag[k][:, None] * log_r[k] for k in range(len(cols))}
        )
        for g in sorted({int(x) for x in np.unique(via[via >= 0])} | set(fixed_inner)):
            own = network.log_tables.expressing[g]  # only these conditions' brackets involve the group
            member = via[:, own] == g
            in_group = [k for k in range(len(cols)) if member[k].any()]
            inner = np.zeros((t, n))
            parts = {k: np.where(member[k], logs[k][:, own], 0.0) for k in in_group}
            inner[:, own] = _outer_sum(sizes, parts) if parts else 0.0
            inner += fixed_inner.get(g, 0.0)
            self.inner[g] = inner
            self.must[g] = np.zeros((t, n), bool)
            fired = {k: f_mask[k][:, own] * member[k] for k in in_group}
            if fired:
                self.must[g][:, own] = _outer_sum(sizes, fired) > 0
            self.bracket[g] = self._bracket(g, inner)
        self.total = self.base + sum(self.bracket.values(), np.zeros_like(self.base))

    def _bracket(self, g: int, inner: Array) -> Array:
        """log of the sum over condition d's expression of group g: (1 - e) + e h_inner, or e h_inner
        when the term needs a member to have fired. A condition that never expresses g has 0."""
        logs = self.network.log_tables
        own = logs.expressing[g]
        expressed = logs.expressed[g, own] + inner[..., own]
        must = self.must.get(g)
        out = np.zeros(inner.shape)
        out[..., own] = np.where(
            False if must is None else must[..., own], expressed, np.logaddexp(logs.silent[g, own], expressed)
        )
        return out

    def log_h(self, extra_q: Sequence[int] = (), extra_r: Sequence[int] = (), minus_q: Sequence[int] = ()) -> Array:
        """``extra_q``: findings whose Q factor is in every term (a held-out complaint, a what-if
        answer); ``extra_r`` likewise for R factors; ``minus_q``: absent findings whose Q factor is
        taken out again (a finding left out, for its leave-one-out contribution)."""
        out = getattr(self, "total", self.base).copy()
        network = self.network
        if not extra_q and not extra_r and not minus_q:
            return out
        direct, added = self._added([(x, 1.0) for x in extra_q] + [(x, -1.0) for x in minus_q])
        out += direct
        for g, more in added.items():
            inner = self.inner.get(g, np.zeros_like(out)) + more
            out += self._bracket(g, inner) - self.bracket.get(g, 0.0)
        if extra_r:
            _, _, log_r = _logs(network, list(extra_r))
            out += log_r.sum(axis=0)
        return out

    def _added(self, signed: Sequence[tuple[int, float]]) -> tuple[Array, dict[int, Array]]:
        """What findings' Q factors (each with its sign) add outside the brackets [D], and inside
        each group's bracket [D]."""
        network = self.network
        direct = np.zeros(len(network.conditions))
        inner: dict[int, Array] = {}
        for x, sign in signed:
            via, log_q = network.via[x], sign * network.log_tables.q[x]
            direct += np.where(via < 0, log_q, 0.0)
            for g in np.unique(via[via >= 0]):
                inner[int(g)] = inner.get(int(g), 0.0) + np.where(via == g, log_q, 0.0)
        return direct, inner

    def absorbed(self, f: int) -> _Factors:
        """These factors with the absent finding ``f`` (no inhibitors) in every term: its Q, as the
        expansion of the evidence with ``f`` absent holds it (a plain absent finding's fixed part)."""
        out = copy.copy(self)
        direct, added = self._added([(f, 1.0)])
        out.base = self.base + direct
        out.inner, out.bracket = dict(self.inner), dict(self.bracket)
        total = self.total + direct
        for g, more in added.items():
            out.inner[g] = self.inner.get(g, np.zeros_like(self.base)) + more
            out.bracket[g] = out._bracket(g, out.inner[g])
            total = total + out.bracket[g] - self.bracket.get(g, 0.0)
        out.total = total
        return out

    def log_h_each(self, findings: Sequence[int], also: Sequence[int] = (), sign: float = 1.0) -> Array:
        """``log_h(extra_q=(f, *also))`` for every f of ``findings`` at once, as [U, T, D]; with ``sign``
        -1, ``log_h(extra_q=also, minus_q=(f,))`` (each finding's factor taken out instead)."""
        network = self.network
        log_q = sign * network.log_tables.q[list(findings)]  # [U, D]
        via = network.via[list(findings)]
        with_also = self.log_h(extra_q=also)
        out = with_also[None] + np.where(via < 0, log_q, 0.0)[:, None, :]
        _, also_inner = self._added([(x, 1.0) for x in also])
        for g in np.unique(via[via >= 0]):
            g = int(g)
            rows = np.flatnonzero((via == g).any(axis=1))  # only the findings of this group change its bracket
            own = self.network.log_tables.expressing[g]  # and only the conditions that can express it
            if not also and g in self.bracket:
                now = self.bracket[g][:, own]
                inner = self.inner[g][:, own]
            else:
                inner = (self.inner.get(g, np.zeros_like(with_also)) + also_inner.get(g, 0.0))[:, own]
                now = self._bracket_own(g, inner)
            added = np.where(via[rows][:, own] == g, log_q[rows][:, own], 0.0)[:, None, :]
            changed = out[rows]
            changed[..., own] += self._bracket_own(g, inner[None] + added) - now[None]
            out[rows] = changed
        return out

    def _bracket_own(self, g: int, inner: Array) -> Array:
        """:meth:`_bracket` on the conditions that can express group g only (``inner`` holds only those)."""
        logs = self.network.log_tables
        own = logs.expressing[g]
        expressed = logs.expressed[g, own] + inner
        must = self.must.get(g)
        return np.asarray(
            np.where(False if must is None else must[:, own], expressed, np.logaddexp(logs.silent[g, own], expressed))
        )


def _folded_logs(network: Network, folded: Sequence[int]) -> tuple[Array, dict[int, Array]]:
    """log factors of present one-parent findings, divided by their leak (which goes to the constant).

    With its parent d present (and, for a grouped link, expressing the group) the finding appears
    with ``r (1 - (1 - leak)(1 - s))``; otherwise with ``leak`` (times ``r`` if d is present but
    not expressing). Returns the direct part [D] and, per group, the part inside d's bracket [D].
    """
    n = len(network.conditions)
    direct = np.zeros(n)
    inner: dict[int, Array] = {}
    for f in folded:
        (d,) = network.parents[network.findings[f]]
        leak, s, r = network.leak[f], network.strength[f, d], network.inhibit[f, d]
        direct[d] += math.log(r)
        fired = math.log1p(-(1.0 - leak) * (1.0 - s)) - math.log(leak)
        g = int(network.via[f, d])
        if g < 0:
            direct[d] += fired
        else:
            inner.setdefault(g, np.zeros(n))[d] += fired
    return direct, inner


def _folded_constant(network: Network, folded: Sequence[int]) -> float:
    return math.fsum(math.log(network.leak[f]) for f in folded)


def _logs(network: Network, cols: Sequence[int]) -> tuple[Array, Array, Array]:
    logs = network.log_tables
    rows = list(cols)
    return logs.q[rows], logs.p[rows], logs.r[rows]


@dataclass(frozen=True)
class _Sums:
    """Signed term sums scaled by exp(-shift), batched over a leading axis B.

    ``total[b]`` is P(evidence) and ``present[b, d]`` P(d present, evidence), both times exp(-shift).
    """

    total: Array
    present: Array
    absent: Array | None
    """P(d absent, evidence) times exp(-shift), when asked for (the priors' fit needs it; nothing else)."""
    shifts: Array
    """[B]: each member's shift (its largest term), so members of very different sizes keep their digits."""
    magnitude: Array
    """Sum of the terms' absolute values: ``magnitude / |total|`` measures the digits lost."""

    @property
    def shift(self) -> float:
        """The shift of a single member (or of a batch's first)."""
        return float(self.shifts[0])

    def split(self, j: int, keep: Sequence[int] | None = None) -> list[_Sums]:
        """The batch's members, each its ``j`` rows (one per subset of source families); with ``keep``,
        member i keeps only its first ``keep[i]`` rows (the rest pad a batch of different subsets)."""
        out = []
        for i, b in enumerate(range(0, self.total.shape[0], j)):
            e = b + (j if keep is None else keep[i])
            out.append(
                _Sums(
                    self.total[b:e],
                    self.present[b:e],
                    None if self.absent is None else self.absent[b:e],
                    self.shifts[i : i + 1],
                    self.magnitude[b:e],
                )
            )
        return out


def _sums_by_subset(
    log_odds: Array,
    h_open: Array,
    h_closed: Array,
    blocked: npt.NDArray[np.bool_],
    sign: Array,
    log_const: Array,
    must: npt.NDArray[np.bool_],
    pairs: tuple[tuple[int, int, float], ...] = (),
    with_absent: bool = False,
    per_member: bool = False,
) -> _Sums:
    """:func:`_sums` for every subset J of source families at once, flattened as [B * J].

    In subset J a condition's factor is its ``h_closed`` one when ``blocked[J, d]`` (its complaint
    link may not fire) and its ``h_open`` one otherwise ([B, T, D] each). The logs are taken once
    per form, not once per subset; the subsets only choose between them, which is a matrix
    product. ``blocked`` is [J, D], or [B, J, D] when the members attribute different complaints
    (padded to the same J). ``log_const`` is [B, J, T]. ``with_absent``: also sum P(d absent, evidence), which
    only the priors' fit uses.
    """
    pi = 1.0 / (1.0 + np.exp(-log_odds))
    off = np.where(must, 0.0, 1.0 - pi)  # absent, unless the term needs it present
    on_open, on_closed = pi * np.exp(h_open), pi * np.exp(h_closed)
    phi_open, phi_closed = off + on_open, off + on_closed
    with np.errstate(divide="ignore"):  # a factor of 0 is a term of 0: a large negative log keeps it so
        log_open = np.maximum(np.log(phi_open), -1e5)
        log_closed = np.maximum(np.log(phi_closed), -1e5)
    paired = [d for a, b_, _ in pairs for d in (a, b_)]
    if paired:  # a pair's factor is not the product of its members' factors: added below instead
        log_open[..., paired] = 0.0
        log_closed[..., paired] = 0.0
    closed = blocked.astype(float)  # [J, D]
    s = log_open.sum(axis=-1)[:, None, :] + np.matmul(closed, (log_closed - log_open).swapaxes(-1, -2)) + log_const
    factors = [_PairFactor(pair, pi, h_open, h_closed, blocked, must) for pair in pairs]
    for factor in factors:
        s = s + factor.log_total
    # [B]: one shift for the batch, or each member its own when they may differ by many orders
    shifts = s.max(axis=(-2, -1)) if per_member else np.full(s.shape[0], s.max())
    w = sign * np.exp(s - shifts[:, None, None])  # [B, J, T]

    def by_subset(open_: Array, closed_: Array) -> Array:  # sum_t w[b, j, t] * (closed_ if blocked else open_)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.where(blocked, np.matmul(w, closed_ / phi_closed), np.matmul(w, open_ / phi_open)))

    b, j = w.shape[:2]
    present = by_subset(on_open, on_closed)
    absent = (
        by_subset(np.broadcast_to(off, on_open.shape), np.broadcast_to(off, on_closed.shape)) if with_absent else None
    )
    for factor in factors:
        factor.fill(w, present, absent)
    return _Sums(
        w.sum(axis=-1).reshape(-1),
        present.reshape(b * j, -1),
        None if absent is None else absent.reshape(b * j, -1),
        shifts,
        np.abs(w).sum(axis=-1).reshape(-1),
    )


class _PairFactor:
    """The factor of two conditions that are not independent a priori, in every term and subset.

    For conditions a and b with joint prior P(a, b) (their margins and odds ratio, see
    :func:`~spinetriage.engine.network.pair_joint`) and per-term factors x = exp(h) given each
    present, the pair contributes sum over (a, b) of P(a, b) x_a^a x_b^b, which replaces the
    product (1 - pi_a + pi_a x_a)(1 - pi_b + pi_b x_b) of independent conditions. A term that
    needs a condition present keeps only the states with it present. A subset of source families
    sees each member's factor open or closed, so there are four forms: each is computed once
    ([B, T]) and the subsets take theirs.
    """

    def __init__(
        self,
        pair: tuple[int, int, float],
        pi: Array,
        h_open: Array,
        h_closed: Array,
        blocked: npt.NDArray[np.bool_],
        must: npt.NDArray[np.bool_],
    ) -> None:
        a, b, odds_ratio = pair
        self.a, self.b = a, b
        # pi is [D] or [B, 1, D]; the joint's entries broadcast against [B, T]
        p00, p10, p01, p11 = (np.asarray(p).reshape(-1, 1) for p in pair_joint(pi[..., a], pi[..., b], odds_ratio))
        free_a = np.where(must[..., a], 0.0, 1.0)  # [T]: the term allows a absent
        free_b = np.where(must[..., b], 0.0, 1.0)
        xa = np.exp(np.stack([h_open[..., a], h_closed[..., a]]))[:, None]  # [open/closed of a, 1, B, T]
        xb = np.exp(np.stack([h_open[..., b], h_closed[..., b]]))[None, :]  # [1, open/closed of b, B, T]
        both = p11 * xa * xb
        a_on = free_b * p10 * xa + both  # the states with a present, [2, 2, B, T]
        b_on = free_a * p01 * xb + both
        total = a_on + free_a * (free_b * p00 + p01 * xb)
        fa, fb = blocked[..., a].astype(np.int64), blocked[..., b].astype(np.int64)  # each subset's form, [(B,) J]

        def by_form(x: Array) -> Array:  # [2, 2, B, T] -> [B, J, T]
            if blocked.ndim == 2:
                return np.moveaxis(x[fa, fb], 0, -2)
            return np.asarray(x[fa, fb, np.arange(x.shape[2])[:, None]])

        with np.errstate(divide="ignore", invalid="ignore"):
            self.log_total = by_form(np.maximum(np.log(total), -1e5))  # [B, J, T]
            zero = np.zeros_like(total)
            self.a_share = by_form(np.divide(a_on, total, out=zero.copy(), where=total > 0))
            self.b_share = by_form(np.divide(b_on, total, out=zero, where=total > 0))  # [B, J, T]

    def fill(self, w: Array, present: Array, absent: Array | None) -> None:
        """Write the pair's columns of the present (and absent) sums ([B, J, D])."""
        for d, share in ((self.a, self.a_share), (self.b, self.b_share)):
            present[..., d] = np.einsum("bjt,bjt->bj", w, share)
            if absent is not None:
                absent[..., d] = w.sum(axis=-1) - present[..., d]


def _expanded(network: Network, evidence: Evidence, budget: int = FIRST_BUDGET) -> tuple[_Terms, _Factors]:
    """The terms of the evidence (one-parent present findings folded in, not expanded) and their factors."""
    expand, folded = evidence.split(network)
    inhibited = [f for f in expand.absent if doublings(network, f, False) > 0]
    used = math.fsum(doublings(network, f, True) for f in expand.present) + math.fsum(
        doublings(network, f, False) for f in inhibited
    )
    if used > math.log2(MAX_TERMS) + 1e-9:
        raise InputError(
            "findings",
            f"{len(expand.present)} present findings that several conditions can produce (and "
            f"{len(inhibited)} absent ones that argue against a condition) are more than exact "
            "reasoning handles in reasonable time and memory",
            f"at most {int(math.log2(MAX_TERMS))} such findings known",
        )
    # An absent finding without inhibitors is the same factor Q in every term: kept out of the
    # per-term arrays, its log (1 - strength) is added once per condition (or inside its bracket).
    plain = tuple(f for f in expand.absent if np.all(network.inhibit[f] == 1.0))
    expand = Evidence(expand.present, tuple(f for f in expand.absent if f not in plain))
    terms = _expand(network, expand, budget)
    constant = _folded_constant(network, folded) + math.fsum(math.log1p(-network.leak[f]) for f in plain)
    terms = dataclasses.replace(terms, log_const=terms.log_const + constant)
    return terms, _Factors(network, terms, folded, plain)


def posterior_log_odds(network: Network, evidence: Evidence, log_odds: Array) -> Array:
    """Each condition's posterior log-odds given the evidence (no origin)."""
    terms, factors = _expanded(network, evidence)
    h = factors.log_h()[None]
    nothing_blocked = np.zeros((1, h.shape[-1]), bool)
    sums = _sums_by_subset(
        log_odds, h, h, nothing_blocked, terms.sign, terms.log_const[None, None], terms.must, network.pairs, True
    )
    assert sums.absent is not None  # asked for
    return np.asarray(np.log(sums.present[0]) - np.log(sums.absent[0]))


@dataclass(frozen=True)
class Inference:
    """The network's answer for one patient."""

    probabilities: Array
    """P(condition present | evidence), in ``network.conditions`` order."""
    complaint: str | None
    sources: dict[frozenset[str], float]
    """P(exactly these families produced the complaint | evidence); empty without a complaint."""
    log_evidence: float
    cancellation: float = 1.0
    """How much the signed terms cancelled (their magnitudes over the result): 1 is none."""

    @property
    def derived(self) -> float:
        """Non-specific back pain: the complaint produced by its mechanical background alone."""
        return self.sources.get(frozenset({"mechanical"}), 0.0)


def infer(network: Network, known: Mapping[str, bool], log_odds: Array, complaint: str | None) -> Inference:
    """Posterior of every condition and, when a complaint is given, who produced it.

    ``known`` holds the findings' statuses; the complaint must be present in it.
    """
    return Prepared.precise(network, known, complaint, log_odds)[1]


@dataclass(frozen=True)
class Prepared:
    """One patient's evidence expanded into terms, with the complaint held out for attribution."""

    network: Network
    known: Mapping[str, bool]
    evidence: Evidence
    terms: _Terms
    complaint: str | None
    h_without: Array
    h_with: Array
    subsets: tuple[frozenset[str], ...]
    blocked: npt.NDArray[np.bool_]
    """[J, D]: whether condition d's source is outside subset J (its complaint link must not fire)."""
    closed: Array
    """[J]: log(1 - leak) of the complaint when its leak family is outside J, else 0."""
    factors: _Factors
    expansion: tuple[_Terms, _Factors] | None = None
    """The expansion of ``evidence`` as made (its factors without the complaint's), for sharing."""
    _base: dict[bytes, _Sums] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    """The base sums per prior log-odds already summed (:meth:`infer` and :meth:`what_ifs` share them)."""

    @classmethod
    def precise(
        cls, network: Network, known: Mapping[str, bool], complaint: str | None, log_odds: Array
    ) -> tuple[Prepared, Inference]:
        """The expansion and its inference, with the stable budget grown until little cancels (starting
        from the smallest budget not foreseen to fall short: :func:`_first_budget`)."""
        evidence, _ = _held_out(network, known, complaint)
        budget = _first_budget(network, evidence.split(network)[0].present)
        while True:
            prepared = cls.of(network, known, complaint, budget)
            inference = prepared.infer(log_odds)
            if inference.cancellation <= MAX_CANCELLATION or budget >= MAX_BUDGET:
                return prepared, inference
            budget *= 4

    @classmethod
    def for_new_complaints(
        cls,
        network: Network,
        known: Mapping[str, bool],
        complaints: Sequence[str],
        log_odds: Array,
        expanded: tuple[_Terms, _Factors] | None = None,
    ) -> dict[str, tuple[Prepared, Inference]]:
        """For each of ``complaints`` (unknown findings), the expansion and inference were it present and
        the complaint: what a what-if answered yes gives when the answer changes the complaint.

        The complaint is held out of the sum, so what is expanded is ``known`` itself, once for all of
        them (``expanded``, when already made), and all of them are summed in one batch; one whose sums
        cancel too much is expanded afresh with a larger budget, as in :meth:`precise`. The result is
        the one :meth:`precise` gives (tested).
        """
        shared = _expanded(network, Evidence.of(network, known), FIRST_BUDGET) if expanded is None else expanded
        # Each one's closed factors (its Q in every term), all at once.
        with_q = shared[1].log_h_each([network.index[c] for c in complaints])
        prepared = [
            cls.of(network, {**known, c: True}, c, FIRST_BUDGET, expanded=shared, with_q=q)
            for c, q in zip(complaints, with_q, strict=True)
        ]
        out = {}
        for complaint, one, inference in zip(complaints, prepared, _infer_shared(prepared, log_odds), strict=True):
            if inference.cancellation > MAX_CANCELLATION:
                one, inference = cls.precise(network, {**known, complaint: True}, complaint, log_odds)
            out[complaint] = (one, inference)
        return out

    @classmethod
    def of(
        cls,
        network: Network,
        known: Mapping[str, bool],
        complaint: str | None,
        budget: int = FIRST_BUDGET,
        expanded: tuple[_Terms, _Factors] | None = None,
        with_q: Array | None = None,
    ) -> Prepared:
        """``expanded``: the expansion of the evidence without the complaint, when already made;
        ``with_q``: its log factors with the complaint's Q added, when already made."""
        rest, f0 = _held_out(network, known, complaint)
        if f0 is None or complaint is None:
            terms, factors = _expanded(network, rest, budget) if expanded is None else expanded
            h = factors.log_h()
            everything = frozenset({UNEXPLAINED})
            blocked = np.zeros((1, h.shape[1]), bool)
            return cls(
                network, known, rest, terms, None, h, h, (everything,), blocked, np.zeros(1), factors, (terms, factors)
            )
        terms, factors = _expanded(network, rest, budget) if expanded is None else expanded
        expansion = (terms, factors)
        if with_q is None or (network.inhibit[f0] < 1.0).any():
            # The complaint is present: its inhibitors multiply every attribution (P = R (1 - Q)).
            factors = copy.copy(factors)  # an expansion may be shared: its total is not changed in place
            factors.total = factors.log_h(extra_r=(f0,))
            with_q = factors.log_h(extra_q=(f0,))
        back_pain = network.complaints[0]
        # A leg pain nothing modelled explains is referred from the back when back pain is recorded; a root's
        # pain by definition is still the root's region (network.yaml).
        referred = complaint == back_pain or (
            complaint in network.referred_from_the_back and known.get(back_pain) is True
        )
        if complaint in network.lumbar_root_pain:
            leak_family = "lumbar"
        elif referred:
            leak_family = "mechanical"
        else:
            leak_family = "cervical" if complaint in network.local_to_the_neck else UNEXPLAINED
        subsets, blocked, closed = _attribution(network, complaint, leak_family)
        return cls(
            network,
            known,
            rest,
            terms,
            complaint,
            factors.log_h(),
            with_q,
            subsets,
            blocked,
            closed,
            factors,
            expansion,
        )

    def complaint_denied(self, known: Mapping[str, bool]) -> Prepared | None:
        """The expansion of ``known``: this evidence with the held-out complaint absent and no complaint
        to attribute (back pain that was taken as present, denied). The complaint's Q joins every term,
        as a plain absent finding's does; ``None`` when it has inhibitors (its absence is not one factor)."""
        network = self.network
        if self.complaint is None or self.expansion is None:
            return None
        f0 = network.index[self.complaint]
        if (network.inhibit[f0] < 1.0).any():
            return None
        terms, factors = self.expansion
        factors = factors.absorbed(f0)
        terms = dataclasses.replace(terms, log_const=terms.log_const + math.log1p(-network.leak[f0]))
        evidence = Evidence(self.evidence.present, tuple(sorted((*self.evidence.absent, f0))))
        h = factors.log_h()
        nothing = np.zeros((1, h.shape[1]), bool)
        everything = (frozenset({UNEXPLAINED}),)
        return Prepared(
            network, known, evidence, terms, None, h, h, everything, nothing, np.zeros(1), factors, (terms, factors)
        )

    def without_present_each(self, log_odds: Array, findings: Sequence[str]) -> list[Inference | None]:
        """The inference with each present finding (not the complaint) left unknown, in turn: each one's
        part of the expansion (:func:`without_present`), all summed in one batch. ``None`` where the
        part's sums cancel too much (reason afresh). The leave-one-out behind each present finding's
        contribution."""
        assert self.expansion is not None  # made by Prepared.of
        parts = [
            Prepared.of(
                self.network,
                {k: v for k, v in self.known.items() if k != f},
                self.complaint,
                expanded=without_present(self.network, self.expansion, self.network.index[f]),
            )
            for f in findings
        ]
        return [None if x.cancellation > MAX_CANCELLATION else x for x in _infer_shared(parts, log_odds)]

    def _w(self, log_odds: Array, h_without: Array, h_with: Array, terms: _Terms) -> _Sums:
        log_const = terms.log_const[None, :] + self.closed[:, None]
        return _sums_by_subset(
            log_odds,
            h_without[None],
            h_with[None],
            self.blocked,
            terms.sign,
            log_const[None],
            terms.must,
            self.network.pairs,
        )

    def infer(self, log_odds: Array) -> Inference:
        return self._combine(self._base_sums(log_odds))

    def _base_sums(self, log_odds: Array) -> _Sums:
        """The W_J sums of the evidence itself, summed once per prior log-odds."""
        key = log_odds.tobytes()
        sums = self._base.get(key)
        if sums is None:
            sums = self._base[key] = self._w(log_odds, self.h_without, self.h_with, self.terms)
        return sums

    def infer_each(self, log_odds: Array) -> list[Inference]:
        """:meth:`infer` for every row of ``log_odds`` [B, D] (prior odds that differ, as a risk factor's
        answers make them), from one batched sum over the same terms."""
        if log_odds.shape[0] == 0:
            return []
        return self._combine_each(self._w(log_odds[:, None, :], self.h_without, self.h_with, self.terms))

    def _combine(self, w: _Sums, sign: float = 1.0, base: _Sums | None = None) -> Inference:
        """Probabilities and sources from the W_J sums (``base - w`` when ``sign`` is -1: a present what-if)."""
        total, present = w.total, w.present
        shift = w.shift
        magnitude = w.magnitude
        if base is not None:
            magnitude = base.magnitude
            scale = math.exp(w.shift - base.shift)
            total = base.total - total * scale
            present = base.present - present * scale
            shift = base.shift
        if self.complaint is None:
            p_evidence = max(float(total[0]), _TINY)
            return Inference(
                np.minimum(np.maximum(present[0] / p_evidence, 0.0), 1.0),
                None,
                {},
                math.log(p_evidence) + shift,
                float(magnitude[0]) / p_evidence,
            )
        p_evidence = max(float(total[-1] - total[0]), _TINY)
        probabilities = (present[-1] - present[0]) / p_evidence
        masses = np.maximum(_mobius(self.subsets) @ total, 0.0)[1:]
        norm = float(masses.sum())
        sources = dict(zip(self.subsets[1:], (masses / norm).tolist(), strict=True))
        return Inference(
            np.minimum(np.maximum(probabilities, 0.0), 1.0),
            self.complaint,
            sources,
            math.log(p_evidence) + shift,
            float(magnitude[-1]) / p_evidence,
        )

    def what_ifs(self, log_odds: Array, findings: Sequence[str]) -> list[tuple[Inference, Inference, float]]:
        """:meth:`what_if` for many findings, from batched sums over the same terms.

        Absent multiplies every term by the finding's factors; present is everything minus absent,
        so neither answer re-expands the evidence. A finding with inhibitors is absent with
        1 - R + R Q: the base sums, minus those with R in every term, plus those with R Q.
        """
        network = self.network
        base = self._base_sums(log_odds)
        base_inference = self._combine(base)
        c0 = () if self.complaint is None else (network.index[self.complaint],)
        j, (t, d) = self.blocked.shape[0], self.h_without.shape
        chunk = max(1, _BATCH_ELEMENTS // (j * t * d))  # bounded memory whatever the number of terms
        plain = [x for x in findings if np.all(network.inhibit[network.index[x]] == 1.0)]
        inhibited = [x for x in findings if np.any(network.inhibit[network.index[x]] < 1.0)]
        out: dict[str, tuple[Inference, Inference, float]] = {}
        for start in range(0, len(plain), chunk):
            part = plain[start : start + chunk]
            batch = self._absent_sums(log_odds, part, c0)
            for finding, if_absent, if_present in zip(
                part, self._combine_each(batch), self._combine_each(batch, base=base), strict=True
            ):
                out[finding] = self._checked(log_odds, finding, if_present, if_absent, base_inference)
        for start in range(0, len(inhibited), chunk):
            part = inhibited[start : start + chunk]
            for finding, sums in zip(part, self._inhibited_absent_sums(log_odds, part, c0, base), strict=True):
                out[finding] = self._answers(log_odds, finding, sums, base, base_inference)
        return [out[x] for x in findings]

    def _answers(
        self, log_odds: Array, finding: str, absent: _Sums, base: _Sums, base_inference: Inference
    ) -> tuple[Inference, Inference, float]:
        """The inference if ``finding`` were present and if absent, and P(present), from its absent sums."""
        if_absent = self._combine(absent)
        p_present = -math.expm1(if_absent.log_evidence - base_inference.log_evidence)
        if p_present < _CANCELLATION:  # "everything minus absent" would lose its digits: expand afresh
            if_present = Prepared.precise(self.network, {**self.known, finding: True}, self.complaint, log_odds)[1]
        else:
            if_present = self._combine(absent, base=base)
        return if_present, if_absent, min(1.0, max(0.0, p_present))

    def _checked(
        self, log_odds: Array, finding: str, if_present: Inference, if_absent: Inference, base_inference: Inference
    ) -> tuple[Inference, Inference, float]:
        """:meth:`_answers` from both answers already combined: the present one is expanded afresh when
        "everything minus absent" would lose its digits."""
        p_present = -math.expm1(if_absent.log_evidence - base_inference.log_evidence)
        if p_present < _CANCELLATION:
            if_present = Prepared.precise(self.network, {**self.known, finding: True}, self.complaint, log_odds)[1]
        return if_present, if_absent, min(1.0, max(0.0, p_present))

    def _combine_each(self, w: _Sums, base: _Sums | None = None) -> list[Inference]:
        """:meth:`_combine` for every member of a batch of sums ([B * J] rows), vectorised over the batch."""
        j = self.blocked.shape[0]
        total = w.total.reshape(-1, j)
        present = w.present.reshape(total.shape[0], j, -1)
        magnitude = w.magnitude.reshape(-1, j)
        shifts = w.shifts
        if base is not None:
            scale = np.exp(shifts - base.shift)[:, None]
            total = base.total[None, :] - total * scale
            present = base.present[None] - present * scale[:, :, None]
            magnitude = np.broadcast_to(base.magnitude[None], total.shape)
            shifts = np.full(total.shape[0], base.shift)
        shares: list[list[float]] | None = None
        if self.complaint is None:
            p_evidence = np.maximum(total[:, 0], _TINY)
            probabilities = present[:, 0] / p_evidence[:, None]
            cancellation = magnitude[:, 0] / p_evidence
        else:
            p_evidence = np.maximum(total[:, -1] - total[:, 0], _TINY)
            probabilities = (present[:, -1] - present[:, 0]) / p_evidence[:, None]
            masses = np.maximum(total @ _mobius(self.subsets).T, 0.0)[:, 1:]
            shares = (masses / masses.sum(axis=1, keepdims=True)).tolist()
            cancellation = magnitude[:, -1] / p_evidence
        probabilities = np.minimum(np.maximum(probabilities, 0.0), 1.0)
        log_evidence = (np.log(p_evidence) + shifts).tolist()
        families = self.subsets[1:]
        return [
            Inference(
                probabilities[b],
                self.complaint,
                {} if shares is None else dict(zip(families, shares[b], strict=True)),
                log_evidence[b],
                c,
            )
            for b, c in enumerate(cancellation.tolist())
        ]

    def _absent_sums(self, log_odds: Array, findings: Sequence[str], c0: tuple[int, ...], sign: float = 1.0) -> _Sums:
        """The W_J sums with each finding (no inhibitors) absent, in one batch; with ``sign`` -1, with
        each (known absent) finding's factor taken out again instead."""
        network = self.network
        idx = [network.index[x] for x in findings]
        without = self.factors.log_h_each(idx, sign=sign)  # [U, T, D]
        with_ = without if not c0 else self.factors.log_h_each(idx, also=c0, sign=sign)
        log_open = sign * np.log1p(-network.leak[idx])  # [U]
        log_const = self.terms.log_const[None, None, :] + self.closed[None, :, None] + log_open[:, None, None]
        return _sums_by_subset(
            log_odds, without, with_, self.blocked, self.terms.sign, log_const, self.terms.must, self.network.pairs
        )

    def without_absent_each(self, log_odds: Array, findings: Sequence[str]) -> list[Inference]:
        """The inference with each absent finding (no inhibitors, not the complaint) left unknown, in
        turn: its factor is taken out of every term again, so nothing is expanded afresh. The cheap
        leave-one-out behind each absent finding's contribution, in batched sums."""
        c0 = () if self.complaint is None else (self.network.index[self.complaint],)
        j, (t, d) = self.blocked.shape[0], self.h_without.shape
        chunk = max(1, _BATCH_ELEMENTS // (j * t * d))  # bounded memory whatever the number of terms
        return [
            one
            for start in range(0, len(findings), chunk)
            for one in self._combine_each(self._absent_sums(log_odds, findings[start : start + chunk], c0, sign=-1.0))
        ]

    def _inhibited_absent_sums(
        self, log_odds: Array, findings: Sequence[str], c0: tuple[int, ...], base: _Sums
    ) -> list[_Sums]:
        """The W_J sums with each finding (with inhibitors) absent, in one batch: P(absent) = 1 - R + R Q,
        so the ``base`` sums, minus the sums with its R in every term, plus those with R Q."""
        network, terms = self.network, self.terms
        idx = [network.index[x] for x in findings]
        log_r = network.log_tables.r[idx][:, None, :]  # [U, 1, D]
        with_rq = self.factors.log_h_each(idx) + log_r  # [U, T, D]
        with_rq_closed = with_rq if not c0 else self.factors.log_h_each(idx, also=c0) + log_r
        with_r, with_r_closed = self.h_without[None] + log_r, self.h_with[None] + log_r
        log_const = terms.log_const[None, None, :] + self.closed[None, :, None]
        log_open = np.log1p(-network.leak[idx])[:, None, None]  # [U, 1, 1]
        blocked, pairs = self.blocked, network.pairs
        minus_r = _sums_by_subset(log_odds, with_r, with_r_closed, blocked, terms.sign, log_const, terms.must, pairs)
        plus_rq = _sums_by_subset(
            log_odds, with_rq, with_rq_closed, blocked, terms.sign, log_const + log_open, terms.must, pairs
        )
        j = blocked.shape[0]
        return [
            _signed_total(((base, 1.0), (r, -1.0), (rq, 1.0)))
            for r, rq in zip(minus_r.split(j), plus_rq.split(j), strict=True)
        ]

    def what_if(self, log_odds: Array, finding: str) -> tuple[Inference, Inference, float]:
        """The inference if ``finding`` (unknown) were present, and if absent, and P(present | evidence)."""
        return self.what_ifs(log_odds, [finding])[0]


def _infer_shared(prepared: Sequence[Prepared], log_odds: Array) -> list[Inference]:
    """:meth:`Prepared.infer` for each of several expansions that share their terms' signs and needs
    (the same expansion, or parts of one: :func:`without_present`) and may differ in the complaint held
    out, from batched sums: each one's subsets of source families are padded to the largest number
    (the padding is summed and dropped)."""
    if not prepared:
        return []
    terms, network = prepared[0].terms, prepared[0].network
    jmax = max(p.blocked.shape[0] for p in prepared)
    chunk = max(1, _BATCH_ELEMENTS // (jmax * terms.size * len(network.conditions)))
    out: list[Inference] = []
    for start in range(0, len(prepared), chunk):
        part = prepared[start : start + chunk]
        sizes = [p.blocked.shape[0] for p in part]
        blocked = np.stack(
            [
                np.concatenate([p.blocked, np.repeat(p.blocked[:1], jmax - j, axis=0)])
                for p, j in zip(part, sizes, strict=True)
            ]
        )
        closed = np.stack([np.concatenate([p.closed, np.zeros(jmax - j)]) for p, j in zip(part, sizes, strict=True)])
        sums = _sums_by_subset(
            log_odds,
            np.stack([p.h_without for p in part]),
            np.stack([p.h_with for p in part]),
            blocked,
            terms.sign,
            np.stack([p.terms.log_const for p in part])[:, None, :] + closed[:, :, None],
            terms.must,
            network.pairs,
            per_member=True,
        )
        out += [p._combine(one) for p, one in zip(part, sums.split(jmax, sizes), strict=True)]
    return out


def without_present(network: Network, expansion: tuple[_Terms, _Factors], f: int) -> tuple[_Terms, _Factors]:
    """The expansion of the evidence without the present finding ``f``, from the expansion with it.

    Expanded, ``f`` is a column whose first choice adds nothing but a constant (the leak firing, in the
    stable form) and, with inhibitors, its R factor: the terms taking that choice, with both taken out
    again, are the expansion of the rest (the other terms are given a log constant of -inf, which
    keeps the arrays' shape so that many such parts sum in one batch). Folded (one parent), its fixed
    factor and its leak are taken out of every term instead.
    """
    terms, factors = expansion
    out = copy.copy(factors)
    if f in terms.findings[: terms.n_present]:
        k = terms.findings.index(f)
        sizes = [len(col) for col in terms.choices]
        digit = np.arange(terms.size) // math.prod(sizes[k + 1 :]) % sizes[k]
        _, _, has_r, _, log_first = terms.choices[k][0]
        if has_r:
            log_r = network.log_tables.r[f]
            out.base, out.total = factors.base - log_r, factors.total - log_r
        return dataclasses.replace(terms, log_const=np.where(digit == 0, terms.log_const - log_first, -np.inf)), out
    direct, inner = _folded_logs(network, (f,))
    out.base, out.total = factors.base - direct, factors.total - direct
    out.inner, out.bracket = dict(factors.inner), dict(factors.bracket)
    for g, part in inner.items():
        out.inner[g] = factors.inner.get(g, np.zeros_like(factors.base)) - part
        out.bracket[g] = out._bracket(g, out.inner[g])
        out.total = out.total + out.bracket[g] - factors.bracket.get(g, 0.0)
    return dataclasses.replace(terms, log_const=terms.log_const - _folded_constant(network, (f,))), out


def attribute_each(
    network: Network, known: Mapping[str, bool], findings: Sequence[str], log_odds: Array
) -> list[Inference]:
    """For each of ``findings`` (present in ``known``), the inference with it held out as the complaint:
    who produced it, given the rest. The evidence is expanded once with all of them and each one's
    part is taken from it (:func:`without_present`), all summed in one batch; one whose sums cancel
    too much is reasoned afresh (:meth:`Prepared.precise`)."""
    if not findings:
        return []
    evidence = Evidence.of(network, known)
    expansion = _expanded(network, evidence, _first_budget(network, evidence.split(network)[0].present))
    prepared = [
        Prepared.of(network, known, f, expanded=without_present(network, expansion, network.index[f])) for f in findings
    ]
    return [
        Prepared.precise(network, known, f, log_odds)[1] if inference.cancellation > MAX_CANCELLATION else inference
        for f, inference in zip(findings, _infer_shared(prepared, log_odds), strict=True)
    ]


def _signed_total(parts: Sequence[tuple[_Sums, float]]) -> _Sums:
    """The sum of sums, each with its sign, on the largest of their scales."""
    shift = max(x.shift for x, _ in parts)
    scales = [k * math.exp(x.shift - shift) for x, k in parts]
    total = sum((x.total * m for (x, _), m in zip(parts, scales, strict=True)), np.zeros_like(parts[0][0].total))
    present = sum((x.present * m for (x, _), m in zip(parts, scales, strict=True)), np.zeros_like(parts[0][0].present))
    return _Sums(total, present, None, np.array([shift]), np.abs(total))
