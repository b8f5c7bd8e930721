"""Thin Dagster assets over the newsdesk stages. Each asset calls one stage function and reports metadata."""
