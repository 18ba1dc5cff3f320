import factory
from allauth.account.models import EmailAddress

from ellipse.accounts.models import User
from ellipse.accounts.roles import Role, user_grant_role

PASSWORD = "mot-de-passe-de-test-1"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified e-mail; ``role=`` puts them in a role's group."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    role = None  # a Role value: the user is put in that role's group

    @classmethod
    def _create(cls, model_class, *args, role=None, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        if role:
            user_grant_role(user=user, role=role)
        return user

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    class Params:
        staff = factory.Trait(role=Role.STAFF)
        official = factory.Trait(role=Role.OFFICIAL)
