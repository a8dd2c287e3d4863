"""CDS Hooks 2.0: spinetriage inside the EHR (docs/fhir.md).

``create_cds_app`` is the service (discovery, ``patient-view``, ``order-select``,
``order-sign``, feedback), mounted by the web app at ``/cds-services``;
``create_standalone_app`` serves it alone (``spinetriage cds serve``).

Names are loaded on first use, so that ``spinetriage --help`` does not load FHIR models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spinetriage.cds._concern import DCM_CARD_PROBABILITY, Concern, concern
    from spinetriage.cds._prefetch import PREFETCH
    from spinetriage.cds._service import SERVICES, CdsState, create_cds_app
    from spinetriage.cds._standalone import create_standalone_app

__all__ = [
    "DCM_CARD_PROBABILITY",
    "PREFETCH",
    "SERVICES",
    "CdsState",
    "Concern",
    "concern",
    "create_cds_app",
    "create_standalone_app",
]
_HOME = {
    "DCM_CARD_PROBABILITY": "_concern",
    "Concern": "_concern",
    "concern": "_concern",
    "PREFETCH": "_prefetch",
    "SERVICES": "_service",
    "CdsState": "_service",
    "create_cds_app": "_service",
    "create_standalone_app": "_standalone",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'spinetriage.cds' has no attribute '{name}'")
    return getattr(importlib.import_module(f"spinetriage.cds.{_HOME[name]}"), name)
