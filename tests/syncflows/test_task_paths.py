"""Stored task paths (django-q2 schedules made by hand) follow the modules that moved out of the
old catalogue packages; our own schedules name syncflows.tasks, which stays."""

import importlib

import pytest
from django.apps import apps
from django.utils.module_loading import import_string
from django_q.models import Schedule

from syncflows.schedules import SCHEDULES

layout = importlib.import_module("syncflows.migrations.0020_h14_layout_task_paths")

pytestmark = pytest.mark.django_db


def test_a_hand_made_schedule_naming_an_old_catalogue_path_is_rewritten_to_one_that_imports():
    old = {
        "pull": "syncflows.catalogue.pull.pull",
        "paging": "syncflows.catalogue.export.product_pages",
        "claim": "syncflows.catalogue.pulls.run",
        "packages": "billing.catalogue.ensure_catalogue",
        "ours": "syncflows.tasks.sweep",
    }
    for name, func in old.items():
        Schedule.objects.create(
            name=f"h14 {name}", func=func, hook="syncflows.catalogue.binder.refresh" if name == "pull" else None
        )
    layout.forwards(apps, None)
    rewritten = dict(Schedule.objects.filter(name__startswith="h14 ").values_list("name", "func"))
    assert rewritten == {
        "h14 pull": "syncflows.from_specter.pull.pull",
        "h14 paging": "connections.starweb.paging.product_pages",
        "h14 claim": "syncflows.from_specter.pull_claim.run",
        "h14 packages": "billing.packages.ensure_catalogue",
        "h14 ours": "syncflows.tasks.sweep",
    }
    assert Schedule.objects.get(name="h14 pull").hook == "syncflows.bindings.refresh"
    for func in rewritten.values():
        import_string(func)


def test_every_old_path_the_rewrite_knows_points_where_its_function_or_module_now_lives():
    for old, moved in layout.FUNCTIONS.items():
        assert layout.new_path(old) == moved and callable(import_string(moved))
    for old, moved in layout.MODULES.items():
        assert layout.new_path(f"{old}.anything") == f"{moved}.anything"
        importlib.import_module(moved)


def test_our_own_schedules_name_task_functions_that_import():
    for func, *_rest in SCHEDULES.values():
        assert callable(import_string(func))
