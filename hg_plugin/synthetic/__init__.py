"""Synthetic people for tests, the demo and its video; not imported with
the plugin."""
from .people import generate_split, make_person

__all__ = ['generate_split', 'make_person']
