"""Refrain's pure domain core: plain functions over plain data (no Flask, SQL or Redis)."""
