r"""Safe YAML loading for every file a user gives sevenfold: case files, uploads, alias tables.

:func:`load_yaml` parses with PyYAML's safe loader (libyaml when installed) and bounds what YAML can
do beyond its text: aliases (``*name``) are counted where they are used, the nodes and characters they
add once expanded are held to the ``yaml_expanded_nodes`` and ``yaml_expanded_chars`` limits, an alias
inside the node it names (recursive data) is refused, merge keys cannot multiply a mapping, integers
longer than Python converts get a message, and a key stated twice in one mapping is refused. The
guard works on the node graph, so nothing in the text before an anchor (a byte-order mark, other
Unicode spaces, flow or block style) changes it.

>>> load_yaml("a: &x [1, 2]\nb: *x\n", "ok.yaml")
{'a': [1, 2], 'b': [1, 2]}
"""

from __future__ import annotations

import sys
from typing import Any

import yaml

from sevenfold import limits as _limits
from sevenfold.errors import CaseValidationError, InputError, LimitExceeded, Problem


class _UniqueKeys:
    """Refuse a mapping that states a key twice. YAML and JSON parsers keep the last one silently, so a
    second ``ratings:`` block replaced the first and the file still validated."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[tuple[str, str], Any] = {}
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    first = seen.setdefault((key.tag, key.value), key)
                    if first is not key:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"key {key.value!r} appears twice in one mapping (first on line "
                            f"{first.start_mark.line + 1}); the second would silently replace the first",
                            key.start_mark)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]



_NO_TIMESTAMPS = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_INT_DIGITS = sys.get_int_max_str_digits() or 4300


class _AliasUses(dict):  # type: ignore[type-arg]
    """The constructor's table of nodes already built. PyYAML reads a node back from it only when it
    meets that node a second time, and a node is met twice only through an alias (``*name``): counting
    reads counts the aliases the document really uses, whatever text surrounds its anchors."""

    __slots__ = ("cap", "uses")

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.uses = 0
        self.cap = cap

    def __getitem__(self, node: Any) -> Any:
        self.uses += 1
        if self.uses > self.cap:
            raise LimitExceeded("yaml_aliases", f"more than {self.cap}", self.cap)
        return dict.__getitem__(self, node)


class _AliasGuard:
    """Mixin for a safe YAML loader bounding what aliases can do (see :class:`_CaseLoader`)."""

    yaml_implicit_resolvers = _NO_TIMESTAMPS

    def __init__(self, stream: Any, limits: _limits.Limits, file: str = "<case>") -> None:
        super().__init__(stream)  # type: ignore[call-arg]
        self._limits = limits
        self._file = file

    def get_single_data(self) -> Any:
        node = self.get_single_node()  # type: ignore[attr-defined]
        if node is None:
            return None
        uses = _AliasUses(self._limits.yaml_aliases)
        self.constructed_objects = uses
        data = self.construct_document(node)  # type: ignore[attr-defined]
        if uses.uses:
            _check_expansion(node, self._limits, self._file)
        return data

    def flatten_mapping(self, node: Any) -> None:
        before = len(node.value)
        super().flatten_mapping(node)  # type: ignore[misc]
        if len(node.value) > before:  # merged: keep the pair that wins for each key, where it first stood
            index: dict[Any, int] = {}
            pairs: list[tuple[Any, Any]] = []
            for key, value in node.value:
                ident = (key.tag, key.value) if isinstance(key, yaml.ScalarNode) else id(key)
                at = index.setdefault(ident, len(pairs))
                if at == len(pairs):
                    pairs.append((key, value))
                else:
                    pairs[at] = (pairs[at][0], value)
            node.value = pairs

    def construct_yaml_int(self, node: Any) -> Any:
        digits = len(node.value)
        if digits > _INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of {digits} digits is too long (at most {_INT_DIGITS} digits)",
                node.start_mark)
        return super().construct_yaml_int(node)  # type: ignore[misc]

    yaml_constructors = {**yaml.constructor.SafeConstructor.yaml_constructors,
                         "tag:yaml.org,2002:int": construct_yaml_int}


class _CaseLoader(_UniqueKeys, _AliasGuard, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader (libyaml when available) bounding what aliases can do.

    Aliases share nodes, so building the data costs no more than the text; what a document could
    cost once its aliases are expanded (by validation, storage or export) is measured on the node
    graph when the document used any alias: the nodes and characters the aliases add are held to
    the ``yaml_expanded_nodes`` and ``yaml_expanded_chars`` limits, and an alias inside the node it
    names (recursive data) is refused. Merge keys (``<<``) keep one pair per key, so merging cannot
    multiply a mapping either. Timestamps are not resolved: dates stay text so that the model
    validates them (partial historical dates such as ``1937-03``, invalid ones such as ``1937-13-01``).
    """


def _check_expansion(root: yaml.Node, limits: _limits.Limits, file: str) -> None:
    """Refuse a node graph whose aliases add more than the limits allow once expanded, or that
    holds a node inside itself. One walk; each node is sized once (sizes are memoised)."""
    max_nodes, max_chars = limits.yaml_expanded_nodes, limits.yaml_expanded_chars
    sizes: dict[int, tuple[int, int]] = {}  # node -> (nodes, characters) once expanded
    open_: set[int] = set()  # on the current path
    own_nodes = own_chars = 0  # the graph as written: each node once
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            if key not in sizes:
                sizes[key] = (1, len(node.value))
                own_nodes, own_chars = own_nodes + 1, own_chars + len(node.value)
            continue
        children = (node.value if isinstance(node, yaml.SequenceNode)
                    else [n for pair in node.value for n in pair])
        if not done:
            if key in sizes:
                continue
            if key in open_:
                raise _recursive(node, file)
            open_.add(key)
            own_nodes += 1
            stack.append((node, True))
            for child in children:
                if id(child) in open_:
                    raise _recursive(child, file)
                if id(child) not in sizes:
                    stack.append((child, False))
            continue
        open_.discard(key)
        n, c = 1, 0
        for child in children:
            cn, cc = sizes[id(child)]
            n, c = n + cn, c + cc
        sizes[key] = (min(n, own_nodes + max_nodes + 1), min(c, own_chars + max_chars + 1))
    nodes, chars = sizes[id(root)]
    if nodes - own_nodes > max_nodes:
        raise LimitExceeded("yaml_expanded_nodes", f"more than {max_nodes}", max_nodes)
    if chars - own_chars > max_chars:
        raise LimitExceeded("yaml_expanded_chars", f"more than {max_chars}", max_chars)


def _recursive(node: yaml.Node, file: str) -> CaseValidationError:
    line = f" on line {node.start_mark.line + 1}" if node.start_mark else ""
    return CaseValidationError([Problem(file, "", "", "", f"YAML: the node{line} holds an alias to itself "
                                        "(recursive data), which sevenfold refuses")])


def _yaml_load(text: str, file: str, limits: _limits.Limits) -> Any:
    try:
        # the reader checks the text when the loader is made (control characters raise here)
        loader = _CaseLoader(text, limits, file)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc).splitlines()[0]
        position = getattr(exc, "position", None)
        where = f" (character {position})" if isinstance(position, int) else ""
        raise CaseValidationError([Problem(file, "", "", "", f"YAML syntax error{where}: {problem}")]) from None
    try:
        return loader.get_single_data()
    except RecursionError:
        raise LimitExceeded("nesting_depth", "too deep to parse", limits.nesting_depth, file) from None
    except CaseValidationError:
        raise
    except InputError as exc:
        exc.args = (f"{file}: {exc.args[0]}",)
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CaseValidationError([Problem(file, "", "", "", f"YAML syntax error{where}: {problem}")]) from None
    finally:
        loader.dispose()


def load_yaml(text: str, file: str = "<yaml>", limits: _limits.Limits | None = None) -> Any:
    """Parse one YAML document within the limits in force; every refusal is a :class:`SevenfoldError`
    naming ``file`` (CaseValidationError for syntax, LimitExceeded for a limit)."""
    return _yaml_load(text, file, limits or _limits.current())
