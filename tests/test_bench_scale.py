"""The scale benchmark's synthetic knowledge base (`bench.scale_copies`): copies are new articles, not duplicates."""

from pathlib import Path

from bench.main import DEFAULT_PARTS, PARTS
from bench.scale_copies import build_copies, original_key, renamed
from coach.knowledge.articles import load_articles

SHIPPED = Path(__file__).resolve().parents[1] / "knowledge" / "articles"


def test_a_copy_gets_a_new_id_and_key_and_keeps_its_text():
    text = "---\nid: strategy-layers-en\nkey: strategy-layers\nlang: en\n---\n# Layers\n\nkey: not front matter\n"
    copy = renamed(text, 3)
    assert "id: strategy-layers-en--copy3\n" in copy
    assert "key: strategy-layers--copy3\n" in copy
    assert copy.endswith("# Layers\n\nkey: not front matter\n")
    assert original_key("strategy-layers--copy3") == "strategy-layers"
    assert original_key("strategy-layers") == "strategy-layers"


def test_a_base_twice_the_shipped_one_loads_every_copy_as_an_article_of_its_own(tmp_path):
    files = build_copies(SHIPPED, tmp_path, 2)
    articles = load_articles([tmp_path])
    shipped = load_articles([SHIPPED])
    assert files == 2 * len(shipped) == len(articles)
    keys = {article.meta.key for article in articles}
    assert keys == {article.meta.key for article in shipped} | {f"{a.meta.key}--copy1" for a in shipped}
    assert {original_key(key) for key in keys} == {article.meta.key for article in shipped}


def test_the_scale_part_runs_only_when_asked_for():
    assert "scale" in PARTS
    assert "scale" not in DEFAULT_PARTS
