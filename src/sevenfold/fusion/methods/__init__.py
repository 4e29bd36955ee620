"""Fusion methods, one module per family."""
