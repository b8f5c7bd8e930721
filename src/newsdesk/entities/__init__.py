"""Named entities: spaCy NER over clean bodies, document-level linking, corpus-wide canonical
ids."""
