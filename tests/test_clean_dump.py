"""The dump builder reproduces the ScrapingHub plain-text dumps: the text path is trained and scored on dumps
we build from trafilatura-eval pages, so they must be made the way the shipped `.raw.txt` files were."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from extraction_sets import check_dumps


def test_built_dumps_equal_the_shipped_raw_txt(shared: Path) -> None:
    total, same = check_dumps()
    assert total == 181 and same == total
