"""The national office's log of the messages about events (submitted, returned,
accepted, deadline changed, round published): who got what, and every delivery that
failed, with a button that queues the failed ones again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from raak.accounts.access import national_only, programme_for
from raak.programmes import mail
from raak.programmes.models import Message

PAGE_SIZE = 50


@login_required
def log(request, slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    rows = Message.objects.filter(programme=programme).select_related("round", "region")
    state = request.GET.get("status", "")
    if state in dict(Message.STATES):
        rows = rows.filter(state=state)
    else:
        state = ""
    failed = Message.objects.filter(programme=programme, state=Message.FAILED).count()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "cycle/messages.html", {
        "programme": programme, "access": access, "page": page, "state": state,
        "states": Message.STATES, "failed": failed, "query": f"status={state}" if state else "",
        "retryable": Message.objects.filter(programme=programme, state=Message.FAILED,
                                            attempts__lt=mail.MAX_ATTEMPTS).count(),
    })  # fmt: skip


@login_required
@require_POST
def retry(request, slug):
    programme, _access = programme_for(request, slug)
    national_only(request, programme)
    rows = mail.retry_failed(programme)
    messages.success(request, ngettext(
        "%(n)d mislukt bericht opnieuw in de wachtrij gezet.",
        "%(n)d mislukte berichten opnieuw in de wachtrij gezet.", len(rows),
    ) % {"n": len(rows)})  # fmt: skip
    return redirect("messages", programme.slug)
