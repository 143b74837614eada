"""Tawthiq: a verifiable record of military defection in Syria and what followed it."""

__version__ = "0.1.0"
