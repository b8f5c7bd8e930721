"""The README names every setting the code reads, and the commands it gives exist in the Makefile."""

import re
from pathlib import Path

from newsdesk.config import ENVIRONMENT

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_environment_variable_is_documented() -> None:
    documented = set(re.findall(r"`(NEWSDESK_[A-Z0-9_]+)`", README))
    assert {v.name for v in ENVIRONMENT} <= documented


def test_make_targets_in_the_readme_exist() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    mentioned = set(re.findall(r"`make ([a-z-]+)`", README)) | set(re.findall(r"^make ([a-z-]+)", README, re.M))
    assert mentioned and mentioned <= targets
