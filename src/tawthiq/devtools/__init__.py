"""Helpers for developing and testing Tawthiq (not used by the running application)."""
