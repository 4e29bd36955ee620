"""posteriors_unmoved: the one rule for "a rating edit moved nothing" (the web's why-line uses it)."""

from sevenfold.ach.explain import QUIET, posteriors_unmoved


def test_below_quiet_is_unmoved_and_at_quiet_moved() -> None:
    before = {"h1": 0.6, "h2": 0.4}
    assert posteriors_unmoved(before, {"h1": 0.6 + QUIET / 2, "h2": 0.4 - QUIET / 2})
    assert not posteriors_unmoved(before, {"h1": 0.6 + 2 * QUIET, "h2": 0.4 - 2 * QUIET})


def test_other_hypotheses_or_missing_posteriors() -> None:
    assert not posteriors_unmoved({"h1": 0.5, "h2": 0.5}, {"h1": 0.5, "h3": 0.5})  # not the same question
    assert posteriors_unmoved({"h1": None, "h2": 0.5}, {"h1": 0.9, "h2": 0.5})  # None is not compared
