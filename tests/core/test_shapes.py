"""The data shapes' dataclasses are made when first used (reader.core.shapes), not when their
modules are imported (issue 11: before the reader's first screen), and are then what
`dataclasses.dataclass` makes."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

from reader.core import shapes
from reader.core.models import Feed, HeadlineFilter, ImportResult, StoredArticle, Unbuilt
from reader.core.shapes import FrozenPlain, Plain
from reader.core.terms import Phrase


def test_importing_the_base_modules_makes_no_dataclass() -> None:
    probe = (
        "import dataclasses, sys\n"
        "made = []\n"
        "real = dataclasses._process_class\n"
        "def counted(cls, *args):\n"
        "    made.append(cls.__qualname__)\n"
        "    return real(cls, *args)\n"
        "dataclasses._process_class = counted\n"
        "import reader.core.models, reader.core.query, reader.core.terms\n"
        "import reader.core.text, reader.core.highlight\n"
        "print(' '.join(made))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    # But StoredArticle, whose base Article is a dataclass (see the test after the next).
    assert sorted(done.stdout.split()) == ["Article", "StoredArticle"]


def test_a_class_is_made_by_its_first_object_as_dataclasses_makes_it() -> None:
    @shapes.dataclass(eq=False, repr=False)
    class Row(Plain):
        id: int
        tags: list[str] = dataclasses.field(default_factory=list)
        title: str = ""

    @dataclasses.dataclass(eq=False, repr=False)
    class Eager(Plain):
        id: int
        tags: list[str] = dataclasses.field(default_factory=list)
        title: str = ""

    assert Row in shapes._waiting and "__init__" not in Row.__dict__
    row = Row(3, title="a")
    assert Row not in shapes._waiting and "__new__" not in Row.__dict__
    assert repr(row).endswith(".<locals>.Row(id=3, tags=[], title='a')")
    assert row == Row(3, [], "a") and row != Row(4)
    assert Row(1).tags is not Row(1).tags  # a new list each
    assert [f.name for f in dataclasses.fields(Row)] == [f.name for f in dataclasses.fields(Eager)]
    assert str(_signature(Row)) == str(_signature(Eager))
    assert Row.__doc__ == Eager.__doc__.replace("Eager", "Row")  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        Row()  # type: ignore[call-arg]


def _signature(cls: type) -> Any:
    import inspect

    return inspect.signature(cls)


def test_asking_for_the_fields_makes_the_class() -> None:
    @shapes.dataclass(frozen=True, eq=False, repr=False)
    class Pair(FrozenPlain):
        a: int = 0
        b: str = "x"

    assert Pair in shapes._waiting
    assert [f.name for f in dataclasses.fields(Pair)] == ["a", "b"]
    assert Pair not in shapes._waiting
    pair = Pair(1, "y")
    assert dataclasses.replace(pair, b="z") == Pair(1, "z")
    assert hash(pair) == hash(Pair(1, "y"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        pair.b = "w"  # type: ignore[misc]


def test_a_class_whose_base_is_a_dataclass_is_made_at_once_with_its_own_init() -> None:
    @shapes.dataclass(eq=False, repr=False)
    class Base(Plain):
        a: int = 0

    assert Base in shapes._waiting

    @shapes.dataclass(eq=False, repr=False)
    class Child(Base):
        b: str = "x"

    # Waiting, it would inherit its base's __init__ once that is made.
    assert Base not in shapes._waiting and Child not in shapes._waiting
    assert Base(1).a == 1
    assert (Child(2, b="y").a, Child(2, b="y").b) == (2, "y")


def test_the_models_behave_as_dataclasses() -> None:
    stored = StoredArticle("Title", "one\n\ntwo", id=7)  # its base Article made with it
    assert stored.paragraphs == ["one", "two"] and stored.related == []
    assert repr(HeadlineFilter(unread=True)) == (
        "HeadlineFilter(unread=True, starred=False, source=None, topic=None, fold_stories=False)"
    )
    assert {HeadlineFilter(), HeadlineFilter()} == {HeadlineFilter()}
    assert dataclasses.asdict(ImportResult(added=2)) == {
        "added": 2,
        "updated": 0,
        "unchanged": 0,
        "failed": [],
    }
    assert [f.name for f in dataclasses.fields(Feed)][:2] == ["url", "title"]
    assert Phrase(("a",)) == Phrase(("a",)) and len({Phrase(("a",)), Phrase(("a",))}) == 1
    assert (
        repr(Phrase(("a",))) == "Phrase(words=('a',), columns='text', prefix=False, joined=False)"
    )


def test_an_object_unpickled_before_its_class_is_made_compares_and_hashes() -> None:
    # A large import sends Unbuilt entries to a helper process, where the class may be unmade.
    # Built by len: a function of this module would import it, and pytest with it, in the probe
    # (three times the probe's CPU).
    sent = pickle.dumps(Unbuilt(len, ("abc",)))
    probe = (
        "import pickle, sys\n"
        "from reader.core import shapes\n"
        "from reader.core.models import Unbuilt\n"
        "assert Unbuilt in shapes._waiting\n"
        "entry = pickle.loads(sys.stdin.buffer.read())\n"
        "again = Unbuilt(len, ('abc',))\n"
        "assert entry == again and hash(entry) == hash(again)\n"
        "print(entry.build(*entry.args))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], input=sent, capture_output=True, check=True
    )
    assert done.stdout.strip() == b"3"


def test_first_objects_made_in_two_threads_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    @shapes.dataclass(eq=False, repr=False)
    class Slow(Plain):
        n: int

    real = shapes._dataclass  # type: ignore[attr-defined]
    started = threading.Event()

    def slow_dataclass(cls: type, **options: Any) -> Any:
        started.set()
        time.sleep(0.2)  # the other thread asks for an object meanwhile
        return real(cls, **options)

    monkeypatch.setattr(shapes, "_dataclass", slow_dataclass)
    made: list[Any] = []
    first = threading.Thread(target=lambda: made.append(Slow(1)))
    first.start()
    started.wait(5)
    made.append(Slow(2))  # while the first thread makes the class
    first.join(5)
    assert sorted(item.n for item in made) == [1, 2]


def test_make_waiting_makes_every_class_left() -> None:
    @shapes.dataclass(eq=False, repr=False)
    class Left(Plain):
        n: int = 0

    shapes.make_waiting()
    assert not shapes._waiting and "__init__" in Left.__dict__
