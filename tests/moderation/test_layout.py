"""The moderation modules import in one direction: tasks call services,
services name the tasks they queue."""

import ast
import pathlib

from celery import current_app

import moderation

ROOT = pathlib.Path(moderation.__file__).parent


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text())


def imported(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node, node.module
            for alias in node.names:
                yield node, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name


def test_only_the_app_config_imports_the_tasks():
    importers = {
        path.relative_to(ROOT).as_posix()
        for path, tree in modules()
        for _node, name in imported(tree)
        if name == "moderation.tasks"
    }
    assert importers == {"apps.py"}


def test_imports_are_at_module_level_but_in_the_app_config():
    nested = []
    for path, tree in modules():
        top = {id(node) for node in tree.body}
        for node, _name in imported(tree):
            if id(node) not in top and path.name != "apps.py":
                nested.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert nested == []


def test_every_task_queued_by_name_is_registered():
    names = {
        node.args[0].value
        for _path, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "enqueue"
        and isinstance(node.args[0], ast.Constant)
    }
    assert len(names) == 6
    assert names <= set(current_app.tasks)
