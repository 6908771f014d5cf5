from factory import SubFactory
from factory.django import DjangoModelFactory

from clubsite.privacy.models import ErasureRequest
from members.tests.factories import MemberFactory


class ErasureRequestFactory(DjangoModelFactory):
    """A pending request of a member of its own."""

    class Meta:
        model = ErasureRequest

    member = SubFactory(MemberFactory)
