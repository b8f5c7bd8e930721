"""Dagster wiring for newsdesk: definitions, resources, partitions, jobs, sensors and schedules.

Loaded from the checkout by workspace.yaml (never installed into site-packages).
"""
