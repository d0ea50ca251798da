"""Template filters for `integrator.formatting`: `{% load formatting %}`, then `{{ x|money }}`,
`{{ x|money:"EUR" }}`, `{{ x|number:2 }}`, `{{ minutes|hours_minutes }}`, `{{ h|hours }}`."""

from django import template

from integrator import formatting

register = template.Library()


@register.filter
def money(value, currency="SEK"):
    return formatting.money(value, currency or "SEK")


@register.filter
def number(value, decimals=2):
    return formatting.number(value, int(decimals))


@register.filter
def hours_minutes(value):
    return formatting.hours_minutes(value)


@register.filter
def hours(value):
    return formatting.hours(value)
