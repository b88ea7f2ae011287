"""`{% load form_fields %}`: `field|field_kind` names the GOV.UK component that shows a form field,
so one template can lay out any set-up form with templates/components/."""

from django import forms, template

from programmes.forms import DateField

register = template.Library()


@register.filter
def field_kind(bound_field) -> str:
    """"date", "checkbox", "radios", "checkboxes", "select_multiple", "select", "textarea", "number"
    or "text"."""
    field, widget = bound_field.field, bound_field.field.widget
    if isinstance(field, forms.DateField | DateField):
        return "date"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.SelectMultiple):
        return "select_multiple"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return "number"
    return "text"


@register.filter
def fields_named(form, names: str) -> list:
    """The form's bound fields named in `names` ("name,short_name"), in that order, skipping any
    the form does not have: for a form laid out in sections."""
    return [form[name.strip()] for name in names.split(",") if name.strip() in form.fields]
