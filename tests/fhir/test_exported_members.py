"""The fhir and cds packages export a small API (ruff keeps ``__all__`` sorted); importing cds loads nothing heavy."""

from __future__ import annotations

import os
import subprocess
import sys

import spinetriage.cds
import spinetriage.fhir


def test_fhir_exports() -> None:
    assert set(spinetriage.fhir.__all__) == {
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
    }
    for name in spinetriage.fhir.__all__:
        assert hasattr(spinetriage.fhir, name)


def test_cds_exports() -> None:
    assert set(spinetriage.cds.__all__) == {
        "DCM_CARD_PROBABILITY",
        "PREFETCH",
        "SERVICES",
        "CdsState",
        "Concern",
        "concern",
        "create_cds_app",
        "create_standalone_app",
    }
    for name in spinetriage.cds.__all__:
        assert getattr(spinetriage.cds, name) is not None


def test_importing_cds_loads_no_fhir_models() -> None:
    code = "import sys, spinetriage.cds, spinetriage.cli.cds; print(any(m.startswith('fhir') for m in sys.modules))"
    python = os.path.abspath(sys.executable)
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
