from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from raak.accounts.security import log_event
from raak.api import tokens
from raak.api.models import AccessToken


class Command(BaseCommand):
    help = "Make a personal access token for a user and print it (once), e.g. for scripts or CI."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")
        parser.add_argument("--scope", choices=[k for k, _l in AccessToken.SCOPES],
                            default=AccessToken.READ)  # fmt: skip

    def handle(self, username, name, scope, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"gebruiker “{username}” bestaat niet of is niet actief")
        # Made at the server's console, whose access is a stronger gate than a second
        # factor: it counts as made with one (docs/security.md, "API tokens").
        token, raw = tokens.create_token(user, name=name, scope=scope, second_factor=True)
        log_event("token-created", user=user, token_id=token.prefix, scope=scope, via="command")
        self.stdout.write(raw)
