"""Login (password step), own account, password change and reset."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import user_has_device

from raak.accounts import oidc
from raak.accounts.models import Role
from raak.accounts.security import log_event
from raak.accounts.twofactor import is_verified, needs_second_factor, second_step_url


class PasswordLoginForm(AuthenticationForm):
    """With PASSWORD_LOGIN=0 only a superuser's password opens a session (break-glass);
    everyone else signs in through the organisation's provider."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not settings.PASSWORD_LOGIN and not user.is_superuser:
            log_event("password-login-refused", self.request, user=user)
            raise ValidationError(
                _("Inloggen met een wachtwoord staat uit. Log in met %(o)s.")
                % {"o": oidc.organisation()},
                code="password_login_off",
            )


class Login(auth_views.LoginView):
    """The password step. Django's login() gives the session a new key; a user who has
    or needs a second factor goes on to the code step (or enrolment). Beside it the
    button for single sign-on when it is configured."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = False
    authentication_form = PasswordLoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc"] = oidc.enabled()
        context["organisation"] = oidc.organisation()
        # Password login switched off: the form only at ?wachtwoord=1 (break-glass).
        context["password_form"] = (
            settings.PASSWORD_LOGIN or "wachtwoord" in self.request.GET or self.request.POST
        )
        return context

    def form_valid(self, form):
        user = form.get_user()
        response = super().form_valid(form)
        if needs_second_factor(user):
            # The national office's session ends when the browser closes.
            self.request.session.set_expiry(0)
        if user_has_device(user) or needs_second_factor(user):
            return redirect(second_step_url(self.request))
        return response


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event("password-changed", self.request)
        from django.contrib import messages
        from django.utils.translation import gettext as _

        messages.success(self.request, _("Uw wachtwoord is gewijzigd."))
        return response


class PasswordReset(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"

    def form_valid(self, form):
        # Logged without the address typed: it may be personal data, and the answer is
        # the same whether or not an account has it. The message is made and sent by a
        # task (raak/accounts/reset_mail.py): both kinds of address take one path here.
        from django.http import HttpResponseRedirect
        from django.utils.translation import get_language

        from raak.accounts.reset_mail import send_password_reset

        log_event("password-reset-requested", self.request)
        send_password_reset.enqueue(form.cleaned_data["email"], get_language() or "nl")
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event("password-reset", self.request, user=form.user)
        return response


password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


@never_cache
@login_required
def account(request):
    roles = Role.objects.filter(user=request.user).select_related("programme", "region")
    context = {
        "roles": roles,
        "has_device": user_has_device(request.user),
        "verified": is_verified(request.user),
        "required": needs_second_factor(request.user),
    }
    return render(request, "accounts/account.html", context)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer while a username or address is locked (429), in our words."""
    from django.conf import settings

    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)),
    }
    return render(request, "accounts/locked.html", context, status=429)
