"""`{% load audit %}{% for line in entry|audit_lines %}…`: an audit entry in words (billing.audit_text)."""

from django import template

from billing.audit_text import lines, subject

register = template.Library()


@register.filter
def audit_lines(entry):
    return lines(entry)


@register.filter
def audit_subject(entry):
    return subject(entry)
