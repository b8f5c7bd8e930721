"""Issue 26, item 13: small slips in messages and descriptions people read."""

from dataclasses import replace

import pytest

from newsdesk.config import Settings
from newsdesk.errors import UserError
from newsdesk.ingest.jsonrec import parse_jsonl
from newsdesk.ingest.parsed import Problem
from newsdesk.preflight import check_model


def test_json_error_reads_without_a_doubled_at() -> None:
    (problem,) = list(parse_jsonl(b'{"title": "unterminated\n'))
    assert isinstance(problem, Problem)
    assert "Unterminated string starting at line 1 column 11" in problem.detail
    assert "at at" not in problem.detail
    (other,) = list(parse_jsonl(b'{"title" 1}\n'))
    assert isinstance(other, Problem) and "Expecting ':' delimiter at line 1" in other.detail


def test_missing_model_suggests_make_setup_only_for_a_model_it_installs() -> None:
    settings = Settings()
    with pytest.raises(UserError) as caught:
        check_model(replace(settings, ner=replace(settings.ner, model="en_core_web_trf")))
    message = str(caught.value)
    assert "make setup" not in message and "pip" in message and "NEWSDESK_SPACY_MODEL" in message


def test_cluster_size_check_description_names_its_number() -> None:
    from assets.checks import MAX_CLUSTER_SIZE, copy_clusters_of_sane_size

    (spec,) = copy_clusters_of_sane_size.check_specs
    assert spec.description is not None and "MAX_CLUSTER_SIZE" not in spec.description
    assert f"more than {MAX_CLUSTER_SIZE} articles" in spec.description
