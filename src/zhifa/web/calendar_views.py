"""The working-day calendar page: covered years, and a form for an administrator to enter a
future year's official schedule (国务院办公厅 节假日安排通知) before chinesecalendar covers it."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from zhifa.agencies.choices import Role
from zhifa.core.calendar import calendar_year_enter, get_calendar
from zhifa.core.errors import DomainError
from zhifa.core.models import CalendarYear
from zhifa.core.permissions import officer_of
from zhifa.core.workcal import LIBRARY_YEARS

_LINE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:\s*(?:至|~|-|—)\s*(\d{4})-(\d{1,2})-(\d{1,2}))?\s*(.*)$")


def _parse_days(text: str, field: str) -> list[tuple[date, str]]:
    out = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m:
            raise DomainError(
                "calendar.bad_line", f"第{n}行格式应为“YYYY-MM-DD 名称”或“YYYY-MM-DD至YYYY-MM-DD 名称”", field
            )
        try:
            start = date(int(m[1]), int(m[2]), int(m[3]))
            end = date(int(m[4]), int(m[5]), int(m[6])) if m[4] else start
        except ValueError:
            raise DomainError("calendar.bad_date", f"第{n}行的日期无效", field)
        if end < start:
            raise DomainError("calendar.bad_range", f"第{n}行的结束日期早于开始日期", field)
        day = start
        while day <= end:
            out.append((day, m[7].strip()))
            day = date.fromordinal(day.toordinal() + 1)
    return out


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    source = forms.CharField(label="依据（通知名称及文号）", max_length=200)
    holidays = forms.CharField(
        label="放假日期（工作日中的休息日，每行一段）",
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2027-01-01 元旦\n2027-02-05至2027-02-11 春节"}),
        required=False,
    )
    workdays = forms.CharField(
        label="调休上班日期（周末上班，每行一天）",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2027-02-13"}),
        required=False,
    )
    replace = forms.BooleanField(label="替换已录入的该年度安排", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.setdefault(
                "class", "form-check-input" if isinstance(f, forms.BooleanField) else "form-control"
            )


@login_required
def calendar_view(request):
    officer = officer_of(request.user)
    is_admin = officer is not None and officer.has_role(Role.ADMIN)
    form = CalendarYearForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            messages.error(request, "只有系统管理员可以录入节假日安排")
            return redirect("calendar")
        if form.is_valid():
            try:
                holidays = _parse_days(form.cleaned_data["holidays"], "holidays")
                workdays = [d for d, _ in _parse_days(form.cleaned_data["workdays"], "workdays")]
                calendar_year_enter(
                    actor=request.user,
                    year=form.cleaned_data["year"],
                    source=form.cleaned_data["source"],
                    holidays={d: name or "法定节假日" for d, name in holidays},
                    workdays=workdays,
                    replace=form.cleaned_data["replace"],
                )
            except DomainError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, f"{form.cleaned_data['year']}年节假日安排已录入")
                return redirect("calendar")
    cal = get_calendar()
    entered = CalendarYear.objects.order_by("-year").prefetch_related("days")
    return render(
        request,
        "web/calendar.html",
        {
            "form": form,
            "is_admin": is_admin,
            "library_years": f"{LIBRARY_YEARS.start}–{LIBRARY_YEARS.stop - 1}",
            "covered": cal.covered_years()[-5:],
            "entered": entered,
        },
    )
