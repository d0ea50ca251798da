"""The order mapper's typed settings come from the connection field by field, and every service
article setting answers to the one article-number rule."""

from dataclasses import fields

import pytest
from django.core.exceptions import ValidationError

from connections.models import Connection
from connections.settings import SERVICE_ARTICLE_FIELDS, ExportSettings

COMPUTED = {"delivery_methods", "payment_methods", "webshop_id", "stock_site_id"}  # another name or shape on the model


def test_every_export_setting_is_read_from_the_connection_field_of_its_name():
    connection = Connection(
        delivery_methods={1: "PN"}, payment_methods={"2": "K"}, specter_webshop_id="7", stock_site="3"
    )
    for f in fields(ExportSettings):
        if f.name in COMPUTED:
            continue
        setattr(connection, f.name, (not f.default) if isinstance(f.default, bool) else f"value of {f.name}")
    settings = connection.export_settings
    for f in fields(ExportSettings):
        if f.name not in COMPUTED:
            assert getattr(settings, f.name) == getattr(connection, f.name), f.name
    assert (settings.delivery_methods, settings.payment_methods, settings.webshop_id, settings.stock_site_id) == (
        {"1": "PN"},
        {"2": "K"},
        "7",
        "3",
    )


def test_a_sum_of_warehouses_is_no_stock_site_for_the_order():
    assert Connection(stock_site="sum").export_settings.stock_site_id == ""


@pytest.mark.parametrize("name", SERVICE_ARTICLE_FIELDS)
@pytest.mark.parametrize("number", ["MED MELLANSLAG", "NOLL\u200bBREDD", "X" * 51])
def test_a_service_article_number_breaking_the_rule_is_refused(name, number):
    connection = Connection(**{name: number})
    with pytest.raises(ValidationError) as refused:
        connection.clean()
    assert list(refused.value.error_dict) == [name]


def test_the_service_articles_are_the_special_articles_the_mapper_keeps_apart():
    connection = Connection(**{name: f"A-{n}" for n, name in enumerate(SERVICE_ARTICLE_FIELDS)})
    assert connection.export_settings.special_articles() == {f"A-{n}" for n in range(len(SERVICE_ARTICLE_FIELDS))}
