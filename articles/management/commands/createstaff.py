import getpass
import os

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.roles import EDITOR, REPORTER

ROLES = {"reporter": REPORTER, "editor": EDITOR}


class Command(BaseCommand):
    help = (
        "Create a staff account with a newsroom role. The password is asked for, "
        "or read from NEWSROOM_PASSWORD for scripts."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--email", default="")

    def handle(self, username, role, email, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"There is already an account called {username!r}.")
        password = os.environ.get("NEWSROOM_PASSWORD") or self.ask_password()
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(f"Created {role} {username!r}; they can log in at /admin/.")

    def ask_password(self):
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
