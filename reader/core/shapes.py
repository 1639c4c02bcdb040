"""The plain data shapes' machinery (models, query, terms, text, highlight): `dataclass` made
when a class is first used instead of when its module is imported, and `==`, `repr` and `hash`
written once for every class (Plain, FrozenPlain).

A dataclass generates and compiles its methods when its class is made, that is when its module
is imported: for the reader's first screen, which imports these modules but makes objects of
few of their classes, their 30 dataclasses cost more than any other part of it but Textual's.
A class decorated with this module's `dataclass` is the class `dataclasses.dataclass` makes
with the same arguments, made as its first object is built (or unpickled) or its fields are
first asked for (`dataclasses.fields`, `replace`, `asdict`, `is_dataclass`...).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass as _dataclass
from dataclasses import fields
from operator import attrgetter
from reprlib import recursive_repr
from typing import TYPE_CHECKING, Any, TypeVar

__all__ = ["FrozenPlain", "Plain", "dataclass", "make_waiting"]

T = TypeVar("T", bound=type)

# The classes whose dataclass is not made yet, and the arguments it was asked with. One lock for
# all: a class is made with its bases, and its first objects may come from two threads at once
# (the reader's UI thread and a worker).
_waiting: dict[type, dict[str, Any]] = {}
_making = threading.RLock()


def _made(cls: type) -> None:
    """Make the dataclass of `cls` and of every base still waiting, bases first."""
    with _making:
        for klass in reversed(cls.__mro__):
            options = _waiting.pop(klass, None)
            if options is None:
                continue
            # Its `__init__` is set as one of the last steps: until then, another thread
            # making an object of it comes to Plain's, which waits for this.
            _dataclass(klass, **options)


def make_waiting() -> None:
    """Make every class still waiting (the reader does, off its first screen and before its
    first search, which would otherwise make the classes of its results then)."""
    with _making:
        for cls in list(_waiting):
            _made(cls)


class _Fields:
    """A waiting class's `__dataclass_fields__`: the dataclass made when it is first read
    (dataclasses' own functions all read it), which puts its own in this one's place."""

    def __get__(self, instance: object, owner: type) -> Any:
        _made(owner)
        for klass in owner.__mro__:
            found = klass.__dict__.get("__dataclass_fields__")
            if found is not None and not isinstance(found, _Fields):
                return found
        raise AttributeError("__dataclass_fields__")


if TYPE_CHECKING:
    from dataclasses import dataclass
else:

    def dataclass(cls: T | None = None, /, **options: Any) -> Any:
        """`dataclasses.dataclass(**options)` for a subclass of Plain, made when first used;
        made at once where a base is a dataclass (it would inherit the base's `__init__`)."""

        def wait(klass: T) -> T:
            if not issubclass(klass, Plain):
                raise TypeError(f"{klass.__qualname__} is not a Plain (reader.core.shapes)")
            if any("__dataclass_fields__" in base.__dict__ for base in klass.__mro__[1:]):
                return _dataclass(klass, **options)
            _waiting[klass] = options
            klass.__dataclass_fields__ = _Fields()
            return klass

        return wait if cls is None else wait(cls)


class Plain:  # noqa: PLW1641 (its __eq__ makes it unhashable, as a dataclass)
    """The base of the data shapes: `==` and `repr` as a dataclass makes them (the fields
    compared in order, only with the same class; `Name(field=value, ...)`), for classes made
    with `@dataclass(eq=False, repr=False)`. A dataclass compiles both methods anew for each
    class; these are written once and learn each class's fields on first use.
    Unhashable, as a dataclass with eq and not frozen is."""

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Reached only by the first object of a class whose dataclass is still waiting (then
        # made, with its own __init__, which builds the object), or by one made in another
        # thread meanwhile (which waits for it, then does the same).
        cls = self.__class__
        _made(cls)
        init = cls.__init__
        if init is Plain.__init__:
            raise TypeError(f"{cls.__qualname__} is not made by reader.core.shapes.dataclass")
        init(self, *args, **kwargs)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = _shape(self.__class__)[0]
        return compared(self) == compared(other)

    @recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _shape(self.__class__)[1])
        return f"{self.__class__.__qualname__}({shown})"


class FrozenPlain(Plain):
    """Plain for `@dataclass(frozen=True, eq=False, repr=False)`: hashed on the fields it
    compares, as a frozen dataclass with eq is."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(_shape(self.__class__)[0](self))


# A class's fields: a function giving those it compares as a tuple, and the names it shows.
_shapes: dict[type, tuple[Callable[[Any], tuple[Any, ...]], tuple[str, ...]]] = {}


def _shape(cls: type) -> tuple[Callable[[Any], tuple[Any, ...]], tuple[str, ...]]:
    try:
        return _shapes[cls]
    except KeyError:
        pass
    names = tuple(f.name for f in fields(cls) if f.compare)
    compared: Callable[[Any], tuple[Any, ...]]
    if len(names) > 1:
        compared = attrgetter(*names)  # a tuple, as for the class's own methods
    else:

        def compared(value: Any) -> tuple[Any, ...]:
            return tuple(getattr(value, name) for name in names)

    shape = _shapes[cls] = (compared, tuple(f.name for f in fields(cls) if f.repr))
    return shape
