"""factory-boy factories for the ledger. They write rows directly (test set-up, not behaviour)."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from legation.core.models import Mission, Profile, Region, Sensitivity
from legation.engagements.models import Commitment, Engagement, Posting
from legation.people.models import Organisation, Person


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    ref = factory.Sequence(lambda n: f"M{n}")
    name_en = factory.Sequence(lambda n: f"Mission {n}")
    name_zh = "大使馆"
    host_country = "US"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    mission = factory.SubFactory(MissionFactory)
    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_name = "Alex"

    @factory.post_generation
    def derived(obj, create, extracted, **kwargs):
        obj.refresh_derived()
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    mission = factory.SubFactory(MissionFactory)
    name_en = factory.Sequence(lambda n: f"Organisation {n}")


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    mission = factory.SubFactory(MissionFactory)
    person = factory.SubFactory(PersonFactory, mission=factory.SelfAttribute("..mission"))
    role = "officer"
    arrival = dt.date(2021, 1, 1)


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement
        skip_postgeneration_save = True

    mission = factory.SubFactory(MissionFactory)
    kind = "meeting"
    start = factory.LazyFunction(lambda: timezone.make_aware(dt.datetime(2022, 3, 1, 10)))
    subject = factory.Sequence(lambda n: f"Meeting {n}")
    sensitivity = Sensitivity.INTERNAL

    @factory.post_generation
    def people(obj, create, extracted, **kwargs):
        for person in extracted or ():
            obj.people.add(person)

    @factory.post_generation
    def staff(obj, create, extracted, **kwargs):
        for posting in extracted or ():
            obj.staff.add(posting)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    engagement = factory.SubFactory(EngagementFactory)
    description = "Send the report"
    sensitivity = Sensitivity.INTERNAL


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def user_with_role(username: str, role: str, missions: list[Mission], clearance: int):
    # Staff status opens the admin, the stop-gap UI; what they see there is still restricted.
    user = get_user_model().objects.create_user(
        username=username, password="x-Secret-pass-42", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    Profile.objects.create(user=user, clearance=clearance)
    for mission in missions:
        mission.members.add(user)
    return user


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Affiliation"

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Member"
