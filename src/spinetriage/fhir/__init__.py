"""FHIR R4 in and out.

    >>> from spinetriage.fhir import read_resources
    >>> fhir_case = read_resources([{"resourceType": "Observation", "status": "final",
    ...     "code": {"text": "Hoffmann sign"}, "valueString": "positive"}])
    >>> fhir_case.case.findings["hoffmann_sign"].value
    'present'

Resources are validated with the ``fhir.resources`` R4B models; codes come from the code
table ``fhir/data/codes.yaml`` (see docs/fhir.md).
"""

from spinetriage.fhir._codes import CodeTable, code_table
from spinetriage.fhir._input import FhirCase, Skipped, Source, read_resources
from spinetriage.fhir._output import (
    assessment_resources,
    cervical_mri_request,
    finding_observations,
    instrument_observations,
    recommends_cervical_mri,
    risk_assessment,
    validated,
)

__all__ = [
    "CodeTable",
    "FhirCase",
    "Skipped",
    "Source",
    "assessment_resources",
    "cervical_mri_request",
    "code_table",
    "finding_observations",
    "instrument_observations",
    "read_resources",
    "recommends_cervical_mri",
    "risk_assessment",
    "validated",
]
