"""Every use of Textual's private keymap API, kept in this one module.

Textual 8.2.8 remaps bindings by id with the public `App.set_keymap()`, but has no public way to
list the bindings a widget class declares or to read the keymap back. The reader needs both: to
check the ids of the user's `[keys]` table, and to show the keys in force on the help screen. If
Textual changes `_merge_bindings`, `_bindings` or `_keymap`, only this module has to follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

# (keys as shown, description), one row per binding id
HelpRows = list[tuple[str, str]]


def declared(owner: type[DOMNode]) -> Iterator[tuple[str, Binding]]:
    """(key, binding) for every binding `owner` declares, its base classes' included."""
    for key, bindings in owner._merge_bindings().key_to_bindings.items():
        for binding in bindings:
            yield key, binding


def binding_ids(owners: Iterable[type[DOMNode]]) -> set[str]:
    """The ids of the bindings of `owners`: the names a `[keys]` table may remap."""
    return {binding.id for owner in owners for _, binding in declared(owner) if binding.id}


def in_force(app: App[object], node: DOMNode) -> BindingsMap:
    """`node`'s bindings after the keymap the app was given."""
    bindings = node._bindings.copy()
    if app._keymap:
        bindings.apply_keymap(app._keymap)
    return bindings


def keys_of(app: App[object], node: DOMNode, binding_id: str) -> list[str]:
    """The keys (as the footer shows them) that trigger `binding_id` on `node` now."""
    keys: list[str] = []
    for key, bindings in in_force(app, node).key_to_bindings.items():
        for binding in bindings:
            if binding.id == binding_id:
                display = app.get_key_display(Binding(key, binding.action))
                if display not in keys:
                    keys.append(display)
    return keys


def help_rows(app: App[object], nodes: Iterable[DOMNode]) -> HelpRows:
    """The described bindings of `nodes` in the order they were declared, with their keys in
    force (a remapped binding shows its new keys; one left without keys is left out)."""
    rows: dict[str, tuple[DOMNode, str]] = {}
    for node in nodes:
        for bindings in node._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.system or not binding.description or not binding.id:
                    continue
                rows.setdefault(binding.id, (node, binding.description))
    shown: HelpRows = []
    for binding_id, (node, description) in rows.items():
        keys = keys_of(app, node, binding_id)
        if keys:
            shown.append((", ".join(keys), description))
    return shown
