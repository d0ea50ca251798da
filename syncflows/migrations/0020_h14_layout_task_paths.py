"""Stored task paths follow the catalogue's new layout.

Our own schedules and queued tasks name only `syncflows.tasks.*`, which did not move; but a schedule
made by hand (the admin's Schedule page) may name a function of the old `syncflows/catalogue/`
package or of `billing/catalogue.py`, and django-q2 would fail to import it. Such paths are
rewritten to where the function lives now. Task results keep their paths: they are history."""

from django.db import migrations
from django.db.models import Q

# Functions that moved to another module than their file's (checked first), then whole modules.
FUNCTIONS = {
    "syncflows.catalogue.export.read_page": "connections.starweb.paging.read_page",
    "syncflows.catalogue.export.product_pages": "connections.starweb.paging.product_pages",
    "syncflows.catalogue.export.patiently": "connections.patience.patiently",
    "syncflows.catalogue.export.exports_on_change": "syncflows.to_specter.on_change.exports_on_change",
    "syncflows.catalogue.initial.directions": "syncflows.initial_sync.registry.directions",
    "syncflows.catalogue.initial.offered": "syncflows.initial_sync.registry.offered",
    "syncflows.catalogue.initial.preview": "syncflows.initial_sync.runner.sync_count",
}
MODULES = {
    "syncflows.catalogue.initial": "syncflows.initial_sync.runner",
    "syncflows.catalogue.from_specter": "syncflows.initial_sync.specter_to_starweb",
    "syncflows.catalogue.export": "syncflows.to_specter.export",
    "syncflows.catalogue.changes": "syncflows.to_specter.changes",
    "syncflows.catalogue.service_articles": "syncflows.to_specter.service_articles",
    "syncflows.catalogue.assortment": "syncflows.to_specter.assortment",
    "syncflows.catalogue.products_in": "syncflows.from_specter.products",
    "syncflows.catalogue.prices": "syncflows.from_specter.prices",
    "syncflows.catalogue.price_lists": "syncflows.from_specter.price_lists",
    "syncflows.catalogue.stock": "syncflows.from_specter.stock",
    "syncflows.catalogue.drift": "syncflows.from_specter.drift",
    "syncflows.catalogue.order_status": "syncflows.from_specter.order_status",
    "syncflows.catalogue.pull": "syncflows.from_specter.pull",
    "syncflows.catalogue.pulls": "syncflows.from_specter.pull_claim",
    "syncflows.catalogue.details": "syncflows.from_specter.details",
    "syncflows.catalogue.binder": "syncflows.bindings",
    "syncflows.catalogue.result": "syncflows.run_result",
    "billing.catalogue": "billing.packages",
}


def new_path(func: str) -> str:
    if func in FUNCTIONS:
        return FUNCTIONS[func]
    module, _, name = func.rpartition(".")
    return f"{MODULES[module]}.{name}" if module in MODULES else func


OLD = r"^(syncflows\.catalogue|billing\.catalogue)\."


def forwards(apps, schema_editor):
    """A schedule's function and its hook (both dotted paths) to where they live now."""
    Schedule = apps.get_model("django_q", "Schedule")
    for schedule in Schedule.objects.filter(Q(func__regex=OLD) | Q(hook__regex=OLD)):
        Schedule.objects.filter(pk=schedule.pk).update(
            func=new_path(schedule.func), hook=new_path(schedule.hook) if schedule.hook else schedule.hook
        )


class Migration(migrations.Migration):
    dependencies = [
        ("syncflows", "0019_detail_code_length"),
        ("django_q", "0014_schedule_cluster"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
