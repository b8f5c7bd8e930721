"""Boilerplate removal: trafilatura for HTML, our own block classifier for plain-text dumps."""
