"""factory_boy factories for the foundation models (services are used where rules matter)."""

from __future__ import annotations

import random
from datetime import date

import factory
from django.contrib.auth import get_user_model

from zhifa.agencies.choices import AgencyKind, AgencyLevel
from zhifa.agencies.models import Agency, Officer, OfficerRole
from zhifa.demo import make_id_number, make_plate, make_uscc
from zhifa.parties.choices import PlateColour, Sector, VehicleKind
from zhifa.parties.models import Enterprise, Person, Vehicle

_rng = random.Random(7)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试交通运输执法大队{n}")
    short_name = factory.Sequence(lambda n: f"测{n}")
    kind = AgencyKind.ENFORCEMENT
    level = AgencyLevel.COUNTY
    region_code = "411321"
    path = "pending"

    @factory.post_generation
    def fix_path(obj, create, extracted, **kwargs):
        obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        obj.save(update_fields=["path"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "Test-pass-123")
        obj.save(update_fields=["password"])


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"执法员{n}")
    licence_no = factory.Sequence(lambda n: f"4113{n:06d}")
    licence_valid_from = date(2024, 1, 1)
    licence_valid_to = date(2030, 12, 31)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for r in extracted or ["officer"]:
            OfficerRole.objects.create(officer=obj, role=r)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"测试物流有限公司{n}")
    uscc = factory.LazyFunction(lambda: make_uscc(_rng, "411321"))
    sector = Sector.FREIGHT


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"张{n}")
    id_number = factory.LazyFunction(lambda: make_id_number(_rng, "411321"))
    phone = "13812345678"


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    agency = factory.SubFactory(AgencyFactory)
    plate = factory.Sequence(lambda n: make_plate("豫R", 500_000 + n))
    plate_colour = PlateColour.YELLOW
    kind = VehicleKind.COMBINATION
    axles = 6
