from django import template

from zhifa.cases.choices import STATE_BADGE, CaseState, SanctionKind

register = template.Library()


@register.filter
def lookup(mapping, key):
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return getattr(mapping, key, None)


@register.filter
def state_label(value):
    try:
        return CaseState(value).label
    except ValueError:
        return value


@register.filter
def state_colour(value):
    return STATE_BADGE.get(value, "secondary")


@register.filter
def penalty_text(penalty):
    """A stored penalty (JSON) or a Penalty in words: 罚款4500元、警告."""
    if not penalty:
        return "—"
    if isinstance(penalty, dict):
        sanctions, fine, conf = (
            penalty.get("sanctions", []),
            penalty.get("fine_yuan", 0),
            penalty.get("confiscation_yuan", 0),
        )
    else:
        sanctions, fine, conf = [str(s) for s in penalty.sanctions], penalty.fine_yuan, penalty.confiscation_yuan
    parts = []
    for s in sorted(sanctions):
        label = SanctionKind(s).label
        if s == "fine":
            label = f"罚款{fine}元"
        elif s.startswith("confiscate") and conf:
            label = f"{label}{conf}元"
        parts.append(label)
    return "、".join(parts)


@register.filter
def filesize(n):
    n = int(n or 0)
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} B"
