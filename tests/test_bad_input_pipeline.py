"""Issue 7: hostile and broken batches through real Dagster runs; nothing lost, nothing raised."""

import shutil
from pathlib import Path

import pytest
from badinput import ARTICLE, write_bad_batch
from conftest import Pipeline

pytestmark = pytest.mark.slow  # real pipeline runs or servers: the full suite, not `make test-fast`

HOSTILE = "it's; DROP TABLE articles; -- «ünïcode» \"q\""


def test_bad_batch_run_succeeds_and_reconciles(pipeline: Pipeline) -> None:
    expected = write_bad_batch(pipeline.add_batch("bad"))
    result = pipeline.run_batch("bad")
    assert result.success
    assert all(c.passed for c in result.get_asset_check_evaluations())
    docs = {r[0] for r in pipeline.query("SELECT source_path FROM documents WHERE batch_id = 'bad'")}
    quarantined = dict(pipeline.query("SELECT source_path, reason FROM quarantine WHERE batch_id = 'bad' AND stage = 'ingest'"))
    for name, reason in expected.items():
        if reason is None:
            assert name in docs
        else:
            assert quarantined[name] == reason
    assert pipeline.query("SELECT count(*) FROM quarantine WHERE n_bytes IS NULL AND reason <> 'unsupported_format'"
                          " AND reason <> 'truncated_warc'") == [(0,)]
    (n_docs, n_bad, n_articles, n_clean_bad), = pipeline.query(
        "SELECT n_documents, n_quarantined_inputs, n_articles, n_quarantined_articles FROM batch_accounting")
    assert n_articles + n_clean_bad == n_docs


def test_good_article_unaffected_by_bad_neighbours(tmp_path: Path) -> None:
    mixed, alone = Pipeline(tmp_path / "mixed"), Pipeline(tmp_path / "alone")
    write_bad_batch(mixed.add_batch("b"))
    (alone.add_batch("b") / "good.txt").write_bytes((mixed.landing / "b" / "good.txt").read_bytes())
    assert mixed.run_batch("b").success and alone.run_batch("b").success
    sql = "SELECT a.title, a.body FROM articles a JOIN documents d USING (doc_id) WHERE d.source_path = 'good.txt'"
    assert mixed.query(sql) == alone.query(sql)


def test_hostile_batch_name(pipeline: Pipeline) -> None:
    folder = pipeline.add_batch(HOSTILE)
    (folder / "story.txt").write_text("Channel dredging starts in March\n\n" + ARTICLE, encoding="utf-8")
    assert pipeline.run_batch(HOSTILE).success
    assert pipeline.query("SELECT batch_id FROM articles") == [(HOSTILE,)]
    assert pipeline.query("SELECT count(*) FROM batches WHERE batch_id = ?", [HOSTILE]) == [(1,)]


def test_duplicate_file_across_batches(pipeline: Pipeline) -> None:
    for name in ("first", "second"):
        folder = pipeline.add_batch(name)
        (folder / "same.txt").write_text("Channel dredging starts in March\n\n" + ARTICLE, encoding="utf-8")
    (pipeline.landing / "second" / "other.txt").write_text("Ferry timetable changes\n\n" + ARTICLE.replace(
        "dredging", "repainting"), encoding="utf-8")
    assert pipeline.run_batch("first").success and pipeline.run_batch("second").success
    assert pipeline.query("SELECT batch_id, source_path, reason FROM quarantine") == [
        ("second", "same.txt", "duplicate_record")]
    assert pipeline.query("SELECT batch_id, count(*) FROM articles GROUP BY 1 ORDER BY 1") == [("first", 1), ("second", 1)]
    # Re-running the first batch does not turn its own file into a duplicate of itself.
    assert pipeline.run_batch("first").success
    assert pipeline.query("SELECT count(*) FROM quarantine WHERE batch_id = 'first'") == [(0,)]


def test_three_materializations_identical(pipeline: Pipeline) -> None:
    write_bad_batch(pipeline.add_batch("bad"))
    shutil.copytree(Path(__file__).parent.parent / "samples" / "sample-batch", pipeline.landing / "sample")
    digests = []
    for _ in range(3):
        assert pipeline.run_batch("bad").success and pipeline.run_batch("sample").success
        digests.append(pipeline.table_digest())
    assert digests[0] == digests[1] == digests[2]
    assert digests[0]["articles"][0] > 10
