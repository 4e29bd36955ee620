"""gc_paused: no cyclic collection inside, the collector's state restored after, nesting safe."""

from __future__ import annotations

import gc

import pytest

from sevenfold.gc_pause import gc_paused


def test_pauses_and_restores() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # only the outermost pause re-enables
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # objects made inside went to the oldest generation, not frozen


def test_restores_on_error_and_as_decorator() -> None:
    @gc_paused()
    def boom() -> None:
        assert not gc.isenabled()
        raise ValueError("x")

    with pytest.raises(ValueError):
        boom()
    assert gc.isenabled()


def test_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycles_made_inside_are_still_collected() -> None:
    import weakref

    class Node:
        pass

    with gc_paused():
        a, b = Node(), Node()
        a.other, b.other = b, a  # type: ignore[attr-defined]
        ref = weakref.ref(a)
        del a, b
    assert ref() is not None  # a cycle: reference counting alone cannot free it
    gc.collect()
    assert ref() is None


def test_does_not_unfreeze_an_application_freeze() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_paused():
            pass
        assert gc.get_freeze_count() > frozen // 2  # still frozen (a few frozen objects may have been freed)
    finally:
        gc.unfreeze()
