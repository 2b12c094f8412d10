"""An import inside a function says why it is not at the top of its module (a cycle, a slow or optional package, an
app registry not ready yet): a comment on its line or just above it, or above the run of imports it belongs to."""

import ast
from pathlib import Path

import pytest

import worldclass

PACKAGE = Path(worldclass.__file__).parent


def application_modules() -> list[Path]:
    """The application's own code: not migrations (generated) and not tests (which import what each test needs)."""
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if not {"migrations", "tests"} & set(path.relative_to(PACKAGE).parts) and path.name != "conftest.py"
    )


def unexplained_inline_imports(source: str) -> list[int]:
    """Line numbers of function-level imports with no comment on their line, the line above, or above their run."""
    lines = source.splitlines()
    explained: set[int] = set()
    unexplained: list[int] = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        imports = sorted(
            (node for node in ast.walk(function) if isinstance(node, ast.Import | ast.ImportFrom)),
            key=lambda node: node.lineno,
        )
        for node in imports:
            above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            ends_above = [other for other in imports if other.end_lineno == node.lineno - 1]
            follows_explained = any(other.lineno in explained for other in ends_above)
            if "#" in lines[node.lineno - 1] or above.startswith("#") or follows_explained:
                explained.add(node.lineno)
            elif node.lineno not in explained:
                unexplained.append(node.lineno)
    return sorted(set(unexplained))


def test_every_inline_import_in_the_application_says_why():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in application_modules()
        for line in unexplained_inline_imports(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_scan_covers_the_apps_and_skips_tests_and_migrations():
    names = {str(path.relative_to(PACKAGE)) for path in application_modules()}
    assert {"core/tenancy.py", "awards/rules.py", "operations/domain/invitations.py"} <= names
    assert not any("/tests/" in name or "/migrations/" in name for name in names)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n    import json\n", [2]),
        ("def f():\n    import json  # slow to load\n", []),
        ("def f():\n    # a cycle: json imports us\n    import json\n", []),
        ("def f():\n    # one reason for the run\n    import json\n    import csv\n", []),
        ("def f():\n    # a reason\n    import json\n\n    import csv\n", [5]),
        ("import json\n\n\ndef f():\n    return json\n", []),
        ("class C:\n    def m(self):\n        from os import path\n", [3]),
    ],
)
def test_the_scan_finds_only_unexplained_function_level_imports(source, expected):
    assert unexplained_inline_imports(source) == expected
