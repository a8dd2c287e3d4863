"""Pure, deterministic reasoning over the compiled knowledge base: no I/O, no globals."""

from spinetriage.engine.model import CompiledModel, compile_model
from spinetriage.engine.posterior import Contribution, Patient, Posterior, infer

__all__ = ["CompiledModel", "Contribution", "Patient", "Posterior", "compile_model", "infer"]
