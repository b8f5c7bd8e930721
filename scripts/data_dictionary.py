"""Regenerate the README's table list from the database comments (the data dictionary's single source).

    .venv/bin/python scripts/data_dictionary.py          # rewrite the section between the data-dictionary markers
    .venv/bin/python scripts/data_dictionary.py --check  # exit 1 when README.md does not match the comments

The text comes from a new, empty database with the schema applied as every process applies it; edit the
COMMENT ON statements (sql/schema/90_comments.sql, sql/view_comments.sql), never the generated README text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from newsdesk.store.dictionary import (  # noqa: E402
    current_section,
    fresh_dictionary,
    render_markdown,
    replace_section,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail (exit 1) when the README section is stale")
    parser.add_argument("--readme", type=Path, default=REPO / "README.md", help="README file [%(default)s]")
    args = parser.parse_args(argv)
    readme = args.readme.read_text(encoding="utf-8")
    generated = render_markdown(fresh_dictionary())
    if args.check:
        if current_section(readme) != generated:
            print(f"{args.readme}: the data dictionary section is stale; run scripts/data_dictionary.py",
                  file=sys.stderr)
            return 1
        print(f"{args.readme}: the data dictionary section matches the database comments")
        return 0
    updated = replace_section(readme, generated)
    if updated != readme:
        args.readme.write_text(updated, encoding="utf-8")
        print(f"{args.readme}: data dictionary section rewritten")
    else:
        print(f"{args.readme}: data dictionary section already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
