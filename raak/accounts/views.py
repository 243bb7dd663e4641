"""Login (password step), own account, password change and reset."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django_otp import user_has_device

from raak.accounts.models import Role
from raak.accounts.security import log_event
from raak.accounts.twofactor import is_verified, needs_second_factor, second_step_url
from raak.look import theme as themes


class Login(auth_views.LoginView):
    """The password step. Django's login() gives the session a new key; a user who has
    or needs a second factor goes on to the code step (or enrolment)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = False

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
        # the same whether or not an account has it.
        log_event("password-reset-requested", self.request)
        self.extra_email_context = {"signature": themes.mail_signature()}
        return super().form_valid(form)


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
