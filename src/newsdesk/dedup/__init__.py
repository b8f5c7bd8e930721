"""Deduplication of syndicated copies and story links, as explicit stages:
shingles -> signatures and band keys -> candidates -> verification -> clusters."""
