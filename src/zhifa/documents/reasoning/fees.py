"""Late-payment surcharge (加处罚款), pure.

行政处罚法 第72条(一): 每日按罚款数额的3%加处罚款, 加处罚款的数额不得超出罚款的数额 (also
行政强制法 第45条). Days run from the day after the payment due date up to and including ``on``.
"""

from __future__ import annotations

from datetime import date


def days_overdue(due: date, on: date) -> int:
    return max(0, (on - due).days)


def late_fee(fine_yuan: int, due: date, on: date, percent_per_day: int = 3) -> int:
    """Integer yuan, rounded down, capped at the fine."""
    days = days_overdue(due, on)
    return min(fine_yuan, fine_yuan * percent_per_day * days // 100)
