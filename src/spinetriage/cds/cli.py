"""The CDS Hooks commands live with the other commands (:mod:`spinetriage.cli.cds`); this name stays for callers."""

from spinetriage.cli.cds import register

__all__ = ["register"]
