"""Seed the package catalogue (billing/catalogue.py, from domain.md "Packages")."""

from django.db import migrations


def seed(apps, schema_editor):
    from billing.catalogue import ensure_catalogue

    ensure_catalogue(apps.get_model("billing", "Package"))


def unseed(apps, schema_editor):
    from billing.catalogue import CATALOGUE

    apps.get_model("billing", "Package").objects.filter(code__in=[row[0] for row in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
