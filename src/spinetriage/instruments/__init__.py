"""Validated clinical instruments: mJOA and P-mJOA, Nurick, the Cook clusters for
cervical myelopathy and lumbar stenosis, the Konno SSHQ and the 10-second grip and
release test.

Each instrument is data (``instruments/data/*.yaml``: items, published levels and
points, bands, likelihood ratios and references) read into strict schemas; the code
here only scores it. A missing answer is never scored as normal: it is an error that
names the item, or, for the clusters, a range of possible counts.
"""

from spinetriage.instruments._case import CaseInstrument, case_instrument_names, score_case_instruments
from spinetriage.instruments._change import Change, mjoa_change
from spinetriage.instruments._clusters import ClusterItem, ClusterResult, cluster_from_findings, clusters
from spinetriage.instruments._registry import get, registry
from spinetriage.instruments._schema import Instrument, Reference
from spinetriage.instruments._score import ItemTrace, LikelihoodRatio, Score, score

__all__ = [
    "CaseInstrument",
    "Change",
    "ClusterItem",
    "ClusterResult",
    "Instrument",
    "ItemTrace",
    "LikelihoodRatio",
    "Reference",
    "Score",
    "case_instrument_names",
    "cluster_from_findings",
    "clusters",
    "get",
    "mjoa_change",
    "registry",
    "score",
    "score_case_instruments",
]
