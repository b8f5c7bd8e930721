"""Dagster wiring for newsdesk: definitions, jobs, sensors, schedules and the operator CLI.

The assets, their checks, the resource and the partitions live in `assets/`.

Loaded from the checkout by workspace.yaml (never installed into site-packages).
"""
