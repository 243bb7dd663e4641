"""`raak demo` (raak/core): one command loads every app's seed data through each app's
own loader, and a second run leaves it alone."""

from io import StringIO

from django.core.management import call_command

from raak.accounts.models import Role
from raak.knowledge.models import ActionPoint, Activity
from raak.programmes.models import Programme
from raak.questionnaires.models import Questionnaire
from raak.reports.models import ReportTemplate


def test_demo_loads_every_app_once(transactional_db):
    # transactional_db: `raak demo` runs `migrate`, which PostgreSQL will not run inside
    # the transaction a plain `db` test keeps open around the loads.
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    programme = Programme.objects.get(slug="raak-2008-2010")
    assert "Demoprogramma geladen" in out.getvalue()
    assert Activity.objects.filter(programme=programme).count() == 108
    assert ActionPoint.objects.filter(programme=programme).count() == 63
    assert programme.protocol_components.exists()
    assert programme.route_steps.exists()
    assert programme.training_criteria.exists()
    assert set(
        Questionnaire.objects.filter(programme=programme).values_list("slug", flat=True)
    ) == {
        "eindmeting-zorgcontinuum",
        "slotrapportage",
    }
    assert ReportTemplate.objects.filter(programme=programme).exists()
    roles = Role.objects.filter(programme=programme).count()
    assert roles and "demo-accounts aangemaakt" in out.getvalue()

    again = StringIO()
    call_command("demo", no_serve=True, stdout=again)
    assert "staat er al" in again.getvalue()
    assert "demo-accounts" not in again.getvalue()
    assert Activity.objects.filter(programme=programme).count() == 108
    assert Role.objects.filter(programme=programme).count() == roles


def test_demo_with_a_fictional_programme(transactional_db):
    out = StringIO()
    call_command("demo", no_serve=True, synthetic=True, stdout=out)
    fictional = Programme.objects.exclude(slug="raak-2008-2010").get()
    assert "fictieve gegevens" in fictional.name.lower()
    # Accounts are made once and hold roles in both programmes.
    assert "demo-accounts aangemaakt" in out.getvalue()
    landelijk = Role.objects.filter(user__username="landelijk", kind=Role.NATIONAL)
    assert set(landelijk.values_list("programme__slug", flat=True)) == {
        "raak-2008-2010",
        fictional.slug,
    }
