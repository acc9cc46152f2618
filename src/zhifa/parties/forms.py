"""Forms check the shape of input; the services enforce the rules (identifiers, jurisdiction)."""

from __future__ import annotations

from django import forms

from zhifa.core.errors import DomainError
from zhifa.parties.choices import PlateColour, Sector, VehicleKind
from zhifa.parties.selectors import party_list


def _resolve(user, kind: str, field: str, value: str, label: str):
    value = (value or "").strip().upper()
    if not value:
        return None
    found = party_list(kind=kind, user=user).filter(**{field: value}).first()
    if found is None:
        raise DomainError("field.not_found", f"辖区内没有{label}为“{value}”的记录，请先登记", None)
    return found.pk


class PartyForm(forms.Form):
    links: dict[str, tuple[str, str, str, str]] = {}  # form field -> (service field, kind, lookup, label)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for f in self.fields.values():
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            if isinstance(f.widget, forms.CheckboxInput):
                css = "form-check-input"
            f.widget.attrs.setdefault("class", css)

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.links}
        for form_field, (service_field, kind, lookup, label) in self.links.items():
            try:
                data[service_field] = _resolve(self.user, kind, lookup, self.cleaned_data.get(form_field), label)
            except DomainError as e:
                e.field = form_field
                raise
        return data

    @classmethod
    def initial_from(cls, obj) -> dict:
        initial = {name: getattr(obj, name, None) for name in cls.base_fields if hasattr(obj, name)}
        return initial


class EnterpriseForm(PartyForm):
    name = forms.CharField(label="名称", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    sector = forms.ChoiceField(label="行业", choices=Sector.choices)
    legal_representative = forms.CharField(label="法定代表人", max_length=50, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    business_licence_no = forms.CharField(label="经营许可证号", max_length=50, required=False)
    uscc_override_reason = forms.CharField(
        label="校验例外理由（仅系统管理员）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="真实代码未通过校验时，由系统管理员核实后填写理由登记。",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from zhifa.agencies.choices import Role
        from zhifa.core.permissions import officer_of

        officer = officer_of(user)
        if officer is None or not officer.has_role(Role.ADMIN):
            del self.fields["uscc_override_reason"]


class PersonForm(PartyForm):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=30)
    phone = forms.CharField(label="电话", max_length=30, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)


class VehicleForm(PartyForm):
    plate = forms.CharField(label="号牌号码", max_length=12)
    plate_colour = forms.ChoiceField(label="号牌颜色", choices=PlateColour.choices)
    kind = forms.ChoiceField(label="车辆类型", choices=VehicleKind.choices)
    axles = forms.IntegerField(label="轴数", required=False, min_value=2, max_value=12)
    single_drive_axle = forms.NullBooleanField(
        label="牵引车为单驱动轴",
        required=False,
        widget=forms.Select(choices=[("unknown", "未知"), ("true", "是"), ("false", "否")]),
    )
    transport_cert_no = forms.CharField(label="道路运输证号", max_length=40, required=False)
    owner_uscc = forms.CharField(label="所有人统一社会信用代码（企业）", max_length=30, required=False)
    owner_id_number = forms.CharField(label="所有人身份证号码（个人）", max_length=30, required=False)
    links = {
        "owner_uscc": ("owner_enterprise", "enterprise", "uscc", "统一社会信用代码"),
        "owner_id_number": ("owner_person", "person", "id_number", "身份证号码"),
    }

    @classmethod
    def initial_from(cls, obj) -> dict:
        initial = super().initial_from(obj)
        initial["owner_uscc"] = obj.owner_enterprise.uscc if obj.owner_enterprise else ""
        initial["owner_id_number"] = ""  # never prefill a full ID number
        return initial


class DriverForm(PartyForm):
    person_id_number = forms.CharField(label="驾驶员身份证号码", max_length=30)
    qualification_no = forms.CharField(label="从业资格证号", max_length=40, required=False)
    employer_uscc = forms.CharField(label="所属企业统一社会信用代码", max_length=30, required=False)
    links = {
        "person_id_number": ("person", "person", "id_number", "身份证号码"),
        "employer_uscc": ("employer", "enterprise", "uscc", "统一社会信用代码"),
    }

    @classmethod
    def initial_from(cls, obj) -> dict:
        return {"qualification_no": obj.qualification_no, "employer_uscc": obj.employer.uscc if obj.employer else ""}


class CargoSourceForm(PartyForm):
    enterprise_uscc = forms.CharField(label="经营企业统一社会信用代码", max_length=30)
    site_name = forms.CharField(label="场站名称", max_length=200)
    address = forms.CharField(label="地址", max_length=200, required=False)
    cargo_types = forms.CharField(label="主要货物", max_length=100, required=False)
    has_weighing_equipment = forms.BooleanField(label="已安装称重设备", required=False)
    links = {"enterprise_uscc": ("enterprise", "enterprise", "uscc", "统一社会信用代码")}

    @classmethod
    def initial_from(cls, obj) -> dict:
        initial = super().initial_from(obj)
        initial["enterprise_uscc"] = obj.enterprise.uscc
        return initial


FORMS = {
    "enterprise": EnterpriseForm,
    "person": PersonForm,
    "vehicle": VehicleForm,
    "driver": DriverForm,
    "cargo_source": CargoSourceForm,
}
