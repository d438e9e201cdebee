"""Remove a person's authenticator app and recovery codes (a lost phone); audited."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core import two_factor


class Command(BaseCommand):
    help = "Remove a person's two-factor app and recovery codes; their next sign-in sets it up again."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail {email!r}.")
        removed = two_factor.reset(user)
        self.stdout.write(f"Removed {removed} two-factor device(s) of {user.email}.")
