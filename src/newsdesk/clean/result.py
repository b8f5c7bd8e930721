"""What an extraction path returns: one type for the HTML and the plain-text path.

Defined in `newsdesk.records` next to `CleanArticle`, which extends it with the document's id.
"""

from newsdesk.records import Extraction

__all__ = ["Extraction"]
