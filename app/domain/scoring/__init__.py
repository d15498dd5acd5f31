"""Scoring of bidders at an Idols evening: scales, cards, tally, robustness and the ballot export.

Pure and typed: standard library only, no Flask, no database, no I/O.
"""
