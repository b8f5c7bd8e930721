"""Thin Dagster assets over the newsdesk stages. Each asset calls one stage function and reports
metadata."""

import warnings

# Two APIs we rely on have no stable replacement in Dagster 1.13: a backfill policy (one run per
# batch) and partitioned asset checks. Their Beta/Preview notices would print on every command;
# everything else still warns.
warnings.filterwarnings(
    "ignore", message=r"Parameter `backfill_policy` of function `asset` is currently in beta"
)
warnings.filterwarnings(
    "ignore", message=r"Specifying a partitions_def on an AssetCheckSpec is currently in preview"
)
