"""Instrument data files (YAML), read with importlib.resources."""
