"""Checks: rules that turn profiles and drill-down queries into findings."""
