"""Tests of the scoring domain (no app needed)."""
