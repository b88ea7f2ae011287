from django import template

from programmes.kept_columns import kept_columns as _kept_columns

register = template.Library()


@register.filter
def kept_columns(extra):
    """{% for column in record.extra|kept_columns %}: see programmes.kept_columns."""
    return _kept_columns(extra)
