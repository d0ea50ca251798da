"""The catalogue version in force in a month, as SQL: the same rule as Package.version_for, so the
dashboard and the order engine read a month's terms inside their own single statement."""

from datetime import date

from django.db.models import Case, Exists, F, OuterRef, Subquery, When

from .models import PackageVersion


def versioned(field: str, month: date, package_ref: str = "package"):
    """`field` of the package version in force in `month` for the row's `package_ref`; the
    catalogue row's own value where the package has no version from that month or earlier."""
    versions = PackageVersion.objects.filter(
        package_id=OuterRef(f"{package_ref}_id"), valid_from__lte=month.replace(day=1)
    ).order_by("-valid_from")
    return Case(
        When(Exists(versions), then=Subquery(versions.values(field)[:1])),
        default=F(f"{package_ref}__{field}"),
    )
