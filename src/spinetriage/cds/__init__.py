"""CDS Hooks 2.0: spinetriage inside the EHR (docs/fhir.md).

``create_cds_app`` is the service (discovery, ``patient-view``, ``order-select``,
``order-sign``, feedback), mounted by the web app at ``/cds-services``;
``create_standalone_app`` serves it alone (``spinetriage cds-hooks serve``).
"""

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
