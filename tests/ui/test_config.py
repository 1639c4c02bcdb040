"""The UI's part of the config file: key remapping by binding id."""

from __future__ import annotations

from pathlib import Path

from reader.ui.config import UIConfig, load_config


def test_keys_table_becomes_the_keymap(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys]\n"list.down" = "x,down"\n"reader.search" = "f"\n', encoding="utf-8")
    assert load_config(path).keymap == {"list.down": "x,down", "reader.search": "f"}


def test_a_missing_or_broken_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "missing.toml") == UIConfig()
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
