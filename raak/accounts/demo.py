"""Demo accounts. They are made only by `raak demo`, never by migrations or imports,
so a production database never has them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from raak.accounts.models import Role

DEMO_PASSWORD = "raak-demo"
# The demo national account's TOTP secret (base32), printed in README.md so anyone can
# log in with an authenticator app or `oathtool --totp -b SECRET`. Demo only: a real
# account enrols its own secret on /mijn-account/tweestaps/.
DEMO_TOTP_SECRET = "RAAKDEMORAAKDEMORAAKDEMORAAKDEMO"


def demo_totp_device(user):
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    device, _created = TOTPDevice.objects.update_or_create(
        user=user, name="demo", defaults={"key": key, "confirmed": True}
    )
    return device


@transaction.atomic
def create_demo_users(programme):
    User = get_user_model()
    made = []
    # One hash for every demo account: each takes half a second on purpose, and the
    # demo's password is public anyway (so one salt reveals nothing). 39 hashes were
    # two thirds of `make demo`'s start-up.
    password = make_password(DEMO_PASSWORD)

    def user(username, first_name):
        # example.org is reserved for examples (RFC 2606): mail to it reaches nobody.
        email = f"{username}@example.org"
        u, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "email": email}
        )
        if created:
            u.password = password
            u.save(update_fields=["password"])
            made.append(username)
        elif not u.email:  # demo accounts made before they had addresses
            u.email = email
            u.save(update_fields=["email"])
        return u

    national = user("landelijk", "Landelijk bureau (demo)")
    Role.objects.get_or_create(user=national, programme=programme, region=None, kind=Role.NATIONAL)
    demo_totp_device(national)
    for region in programme.regions.all():
        u = user(f"coord-{region.slug}", f"Regiocoördinator {region.name} (demo)")
        Role.objects.get_or_create(
            user=u, programme=programme, region=region, kind=Role.COORDINATOR
        )
    first = programme.regions.first()
    if first:
        viewer = user(f"meelezer-{first.slug}", f"Meelezer {first.name} (demo)")
        Role.objects.get_or_create(user=viewer, programme=programme, region=first, kind=Role.VIEWER)
    return made
