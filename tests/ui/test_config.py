"""The UI's part of the config file: key remapping by binding id."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.ui.config import UIConfig, load_config, save_ui_value
from reader.ui.history import SearchHistory


def test_keys_table_becomes_the_keymap(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys]\n"list.down" = "x,down"\n"reader.search" = "f"\n', encoding="utf-8")
    assert load_config(path).keymap == {"list.down": "x,down", "reader.search": "f"}


def test_a_missing_or_broken_file_gives_the_defaults(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    assert load_config(missing) == UIConfig(path=missing)  # where a chosen theme is saved
    broken = tmp_path / "broken.toml"
    broken.write_text("[keys\n", encoding="utf-8")
    config = load_config(broken)
    assert config.keymap == {} and config.problem and str(broken) in config.problem


def test_a_non_string_value_is_ignored_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys]\n"list.up" = 5\n"list.down" = "j,down"\n', encoding="utf-8")
    config = load_config(path)
    assert config.keymap == {"list.down": "j,down"}
    assert len(config.key_problems) == 1 and '"list.up" = 5' in config.key_problems[0]


def test_the_start_view_is_read_from_the_ui_table(tmp_path: Path) -> None:
    assert UIConfig().start_view == "Ketenagakerjaan"
    path = tmp_path / "config.toml"
    path.write_text('[ui]\nstart_view = "unread"\n', encoding="utf-8")
    assert load_config(path).start_view == "unread"
    path.write_text("[ui]\nstart_view = 3\n", encoding="utf-8")
    config = load_config(path)
    assert config.start_view == "Ketenagakerjaan"
    assert any("start_view" in problem for problem in config.key_problems)


def test_folding_stories_is_on_unless_the_ui_table_says_false(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[ui]\nfold_stories = false\n", encoding="utf-8")
    assert UIConfig().fold_stories and not load_config(path).fold_stories
    path.write_text('[ui]\nfold_stories = "no"\n', encoding="utf-8")
    config = load_config(path)
    assert config.fold_stories
    assert any("fold_stories" in problem for problem in config.key_problems)


def test_a_setting_is_saved_into_the_ui_table_and_nothing_else_changes(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_ui_value(path, "theme", "nord")  # no file yet: made
    assert load_config(path).theme == "nord"
    text = (
        "# my settings\n"
        '[keys]\n"list.down" = "j,down"  # vim\n\n'
        '[ui]\nstart_view = "unread"\ntheme = "gruvbox"  # old\n\n'
        "[other]\ntheme = 1\n"
    )
    path.write_text(text, encoding="utf-8")
    save_ui_value(path, "theme", 'dra"cula')
    assert path.read_text(encoding="utf-8") == text.replace(
        'theme = "gruvbox"  # old\n', 'theme = "dra\\"cula"\n'
    )
    config = load_config(path)
    assert (config.theme, config.start_view, config.keymap) == (
        'dra"cula',
        "unread",
        {"list.down": "j,down"},
    )
    # A [ui] table without the key gets it; a file without [ui] gets the table at its end.
    path.write_text('[ui]\nstart_view = "all"\n[keys]\n', encoding="utf-8")
    save_ui_value(path, "theme", "nord")
    assert path.read_text(encoding="utf-8") == '[ui]\ntheme = "nord"\nstart_view = "all"\n[keys]\n'
    path.write_text('[keys]\n"list.up" = "k"', encoding="utf-8")
    save_ui_value(path, "theme", "nord")
    assert path.read_text(encoding="utf-8") == '[keys]\n"list.up" = "k"\n\n[ui]\ntheme = "nord"\n'


def test_a_broken_config_file_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[ui\ntheme = 'x'\n", encoding="utf-8")
    with pytest.raises(ValueError):
        save_ui_value(path, "theme", "nord")
    assert path.read_text(encoding="utf-8") == "[ui\ntheme = 'x'\n"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no file left beside it


def test_the_search_history_walks_back_and_forth_and_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "state" / "search-history"
    history = SearchHistory(path, limit=3).load()
    assert history.older("typed") is None and history.newer() is None
    for query in ["upah", "phk  massal", "upah", "tki", "bpjs"]:
        history.add(query)
    assert history.queries == ["phk massal", "upah", "tki", "bpjs"][-3:]
    assert path.read_text(encoding="utf-8") == "upah\ntki\nbpjs\n"
    assert [history.older("ketik"), history.older(""), history.older(""), history.older("")] == [
        "bpjs",
        "tki",
        "upah",
        None,
    ]
    assert [history.newer(), history.newer(), history.newer(), history.newer()] == [
        "tki",
        "bpjs",
        "ketik",  # back to what was typed before Up
        None,
    ]
    assert SearchHistory(path, limit=2).load().queries == ["tki", "bpjs"]
    assert SearchHistory(path, limit=0).load().queries == []


def test_a_history_that_cannot_be_saved_says_so_once(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    history = SearchHistory(blocker / "search-history")  # its folder is a file
    history.add("upah")
    assert history.problem and "not saved" in history.problem
    history.problem = None
    history.add("phk")
    assert history.problem is None and history.queries == ["upah", "phk"]


def test_bad_history_lengths_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    for bad in ("-1", '"ten"', "true"):
        path.write_text(f"[ui]\nsearch_history = {bad}\n", encoding="utf-8")
        config = load_config(path)
        assert config.search_history == 100
        assert any("search_history" in problem for problem in config.key_problems)


def test_the_fetch_schedule_is_read_in_minutes(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert UIConfig().fetch_every == 30
    path.write_text("[ui]\nfetch_every = 0\n", encoding="utf-8")
    assert load_config(path).fetch_every == 0
    path.write_text("[ui]\nfetch_every = 2.5\n", encoding="utf-8")
    assert load_config(path).fetch_every == 2.5
    for bad in ("-1", '"hourly"', "false"):
        path.write_text(f"[ui]\nfetch_every = {bad}\n", encoding="utf-8")
        config = load_config(path)
        assert config.fetch_every == 30
        assert any("fetch_every" in problem for problem in config.key_problems)
