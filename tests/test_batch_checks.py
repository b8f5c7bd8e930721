"""Issue 26: a junk-only batch must not look like a good one: the WARN check `batch_produced_articles` fails
(the run stays green) and says why, reason by reason; and `dagster/row_count` is the batch's rows of each asset."""

import dagster as dg
import pytest
from badinput import ARTICLE
from conftest import Pipeline
from helpers import records_of

pytestmark = pytest.mark.slow  # real pipeline runs: the full suite, not `make test-fast`

CHECK = "batch_produced_articles"


def _evaluation(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    (found,) = [e for e in result.get_asset_check_evaluations() if e.check_name == CHECK]
    return found


def test_junk_only_batch_warns_and_a_good_batch_passes(pipeline: Pipeline) -> None:
    junk = pipeline.add_batch("junk")
    (junk / "empty.txt").write_bytes(b"")
    (junk / "blank.txt").write_text("   \n\n  ", encoding="utf-8")
    (junk / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = pipeline.run_batch("junk")
    assert result.success  # an empty delivery is not the pipeline's failure...
    evaluation = _evaluation(result)
    assert not evaluation.passed  # ...but the check shows it
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.metadata["articles"].value == 0
    rows = records_of(evaluation.metadata["quarantine_reasons"])
    expected = pipeline.query("""SELECT stage, reason, count(*) FROM quarantine WHERE batch_id = 'junk'
                                 GROUP BY ALL ORDER BY 1, 2""")
    assert sorted((r.data["stage"], r.data["reason"], r.data["n"]) for r in rows) == expected
    assert evaluation.metadata["quarantined"].value == sum(n for _, _, n in expected) >= 3
    assert (
        _metadata(result, "raw_documents")["delivery_complete"] is False
    )  # no _SUCCESS: said, not hidden
    clean = _metadata(result, "clean_articles")  # its own stage's quarantine rows, not ingest's
    assert clean["quarantine_rows"] == sum(n for stage, _, n in expected if stage == "clean")
    assert clean["dagster/row_count"] == 0

    good = pipeline.add_batch("good")
    (good / "harbour.txt").write_text("Dredging to start in March\n\n" + ARTICLE, encoding="utf-8")
    result = pipeline.run_batch("good")
    evaluation = _evaluation(result)
    assert evaluation.passed
    assert evaluation.metadata["articles"].value == 1
    copies = _metadata(
        result, "article_copies"
    )  # the batch's rows; the corpus's under their own key
    assert copies["dagster/row_count"] == 1
    assert copies["corpus_rows"] == pipeline.query("SELECT count(*) FROM copies")[0][0]


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, object]:
    (materialization,) = result.asset_materializations_for_node(asset)
    return {key: value.value for key, value in materialization.metadata.items()}
