from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "raak.api"
    verbose_name = "JSON API"

    def ready(self):
        from django.db.models.signals import post_save

        from raak.accounts.models import Role

        post_save.connect(revoke_on_national_role, sender=Role, dispatch_uid="api-revoke-national")


def revoke_on_national_role(sender, instance, **kwargs):
    """A token stands in for the login, second factor included. One made before its user
    joined the national office was made without that factor, so it must not carry the
    office's powers: every earlier token of the user is revoked (and logged)."""
    from django.utils import timezone

    from raak.accounts.models import Role
    from raak.accounts.security import log_event
    from raak.api.models import AccessToken

    fields = kwargs.get("update_fields") or ()
    if instance.kind != Role.NATIONAL or not (kwargs.get("created") or "kind" in fields):
        return
    live = AccessToken.objects.filter(user_id=instance.user_id, revoked_at__isnull=True)
    ids = list(live.filter(created_at__lt=timezone.now()).values_list("id", flat=True))
    if ids:
        AccessToken.objects.filter(id__in=ids).update(revoked_at=timezone.now())
        log_event("token-revoked", user=instance.user, programme=instance.programme,
                  reason="national-role", tokens=len(ids))  # fmt: skip
