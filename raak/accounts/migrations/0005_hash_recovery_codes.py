"""Recovery codes are stored hashed from now on (issue 21): hash the codes already
stored in clear, with the same keyed hash as raak.accounts.twofactor.recovery_hash
(repeated here: a migration must not change when the app's code does). The codes
keep working; they can no longer be shown, only replaced."""

import hmac

from django.conf import settings
from django.db import migrations


def _hash(code):
    normalised = "".join(code.split()).lower()
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), "sha256").hexdigest()[:16]


def hash_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        StaticToken.objects.filter(pk=token.pk).update(token=_hash(token.token))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_invitation"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop)]
