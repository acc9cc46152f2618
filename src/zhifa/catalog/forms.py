"""The discretion calculator form: one field per fact of the chosen item.

Optional facts can stay "未提供" (not given): the engine then does not apply the exception or
tier they would open, and says so in the trace. That is why booleans are three-way selects.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from zhifa.catalog.schema import FactSpec

NOT_GIVEN = ""


def _is_required(spec: FactSpec) -> bool:
    return spec.required is True


class DecisionForm(forms.Form):
    violation_date = forms.DateField(label="违法行为发生日", widget=forms.DateInput(attrs={"type": "date"}))
    decision_date = forms.DateField(label="作出决定日", widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.CharField(label="辖区（6位行政区划代码）", max_length=6, required=False)

    def __init__(self, *args: Any, facts: list[FactSpec], own: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fact_specs = facts
        self.own_facts = own
        for spec in facts:
            self.fields[f"fact_{spec.name}"] = self._field(spec)
        for name in ("violation_date", "decision_date", "region"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")

    def _field(self, spec: FactSpec) -> forms.Field:
        required = _is_required(spec)
        label = spec.label + (f"（{spec.unit}）" if spec.unit else "")
        help_text = spec.help or ("" if required else "可不填：未提供时，相应的不予/从轻/档次等情形不适用")
        attrs = {"class": "form-select" if spec.type in ("bool", "enum") else "form-control"}
        if spec.type == "bool":
            choices = ([] if required else [(NOT_GIVEN, "未提供")]) + [("true", "是"), ("false", "否")]
            return forms.ChoiceField(
                label=label, choices=choices, required=required, help_text=help_text, widget=forms.Select(attrs=attrs)
            )
        if spec.type == "enum":
            labels = spec.value_labels or {}
            choices = ([] if required else [(NOT_GIVEN, "未提供")]) + [(v, labels.get(v, v)) for v in spec.values or []]
            return forms.ChoiceField(
                label=label, choices=choices, required=required, help_text=help_text, widget=forms.Select(attrs=attrs)
            )
        if spec.type == "int":
            return forms.IntegerField(
                label=label, required=required, help_text=help_text, widget=forms.NumberInput(attrs=attrs)
            )
        if spec.type == "decimal":
            return forms.DecimalField(
                label=label,
                required=required,
                help_text=help_text,
                widget=forms.NumberInput(attrs={**attrs, "step": "any"}),
            )
        return forms.CharField(label=label, required=required, help_text=help_text, widget=forms.TextInput(attrs=attrs))

    def head_fields(self) -> list[forms.BoundField]:
        return [self["violation_date"], self["decision_date"], self["region"]]

    def required_fields(self) -> list[forms.BoundField]:
        return [self[f"fact_{s.name}"] for s in self.fact_specs if s.name in self.own_facts]

    def general_fields(self) -> list[forms.BoundField]:
        return [self[f"fact_{s.name}"] for s in self.fact_specs if s.name not in self.own_facts]

    def facts(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.fact_specs:
            value = self.cleaned_data.get(f"fact_{spec.name}")
            if value is None or value == NOT_GIVEN:
                continue
            if spec.type == "bool":
                value = value == "true"
            out[spec.name] = value
        return out

    def dates(self) -> tuple[date, date]:
        return self.cleaned_data["violation_date"], self.cleaned_data["decision_date"]
