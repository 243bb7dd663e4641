from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "raak.api"
    verbose_name = "JSON API"

    def ready(self):
        from django.db.models.signals import post_save

        from raak.accounts.models import Role, powers_changed

        post_save.connect(revoke_on_role_saved, sender=Role, dispatch_uid="api-revoke-role")
        powers_changed.connect(revoke_on_powers_changed, dispatch_uid="api-revoke-powers")


def revoke_on_role_saved(sender, instance, created=False, update_fields=None, **kwargs):
    """A role added or changed: every earlier token of its user is revoked. A token was
    made for the powers (and the second factor) its owner had then; making a new one
    is cheap, a token that silently gained a region or the national office is not."""
    if created or update_fields is None or {"kind", "region"} & set(update_fields):
        revoke_tokens([instance.user], instance.programme, "role-changed")


def revoke_on_powers_changed(sender, users, programme, reason, **kwargs):
    revoke_tokens(users, programme, reason)


def revoke_tokens(users, programme, reason):
    """Revoke the live tokens of `users`, one security-log line per user who had any.
    When a second factor becomes required for everyone, tokens made in a session
    verified with one stay: they already meet the new rule."""
    from django.utils import timezone

    from raak.accounts.security import log_event
    from raak.api.models import AccessToken

    live = AccessToken.objects.filter(user__in=[u.pk for u in users], revoked_at__isnull=True)
    if reason == "require-2fa":
        live = live.filter(second_factor=False)
    by_user = {}
    for token_id, user_id in live.values_list("id", "user_id"):
        by_user.setdefault(user_id, []).append(token_id)
    if not by_user:
        return
    AccessToken.objects.filter(id__in=[i for ids in by_user.values() for i in ids]).update(
        revoked_at=timezone.now()
    )
    for user in users:
        if user.pk in by_user:
            log_event("token-revoked", user=user, programme=programme, reason=reason,
                      tokens=len(by_user[user.pk]))  # fmt: skip
