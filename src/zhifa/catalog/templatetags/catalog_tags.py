from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:code }}``: look a key up in a dict from a template."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.filter
def yuan(value):
    """Whole yuan with thousands separators: 30000 → 30,000."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value
