"""Tests of the budget-round domain package."""
