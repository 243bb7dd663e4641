"""The permission matrix: every URL pattern of the project, requested by five people,
with GET and with POST (an empty body), and the status each must get.

It cannot fall behind: `test_every_url_name_has_a_row` walks the URL configuration
and fails for a URL name without a row. To add a view, add a row to the list of its
area below (or a new list, then add it to AREAS):

    Row("my-view", {"slug": P, "region_slug": "gouda"},
        get=who(anonymous=302, viewer_a=403, coord_b=404, coord_a=200, national=200),
        post=...)

`get`/`post` is one status for all five or who(...) for each. The people
(tests.conftest `people`): anonymous; viewer_a, a read-only member of Gouda; coord_b,
coordinator of Leiden (another region); coord_a, coordinator of Gouda; national, the
national office (signed in with a verified second factor). POST with an empty body
must not change anything for those who may not, and never gives a 500.

The leak tests (nothing unpublished reaches outsiders) are at the end.
"""

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from raak.programmes.models import EvidenceDocument, MilestoneStatus
from raak.reports import templates as report_templates
from raak.reports.models import Report, ReportFile
from tests.conftest import sign_in

WHO = ["anonymous", "viewer_a", "coord_b", "coord_a", "national"]
READ_ONLY_TEXT = "U mag deze gegevens bekijken maar niet wijzigen"
P = "raak-2008-2010"
R1 = "eindrapportage-2011"  # published
R2 = "voorjaar-2011"  # open
SECRET = "GEHEIM-R2-notitie"
Q = "test-vragenlijst"


def who(anonymous, viewer_a, coord_b, coord_a, national):
    return dict(zip(WHO, (anonymous, viewer_a, coord_b, coord_a, national), strict=True))


def everyone(status):
    return dict.fromkeys(WHO, status)


@dataclass
class Row:
    name: str
    kwargs: dict = field(default_factory=dict)
    get: object = 200
    post: object = 200
    query: str = ""
    note: str = ""  # what the row is about, when a name has several rows

    def expected(self, method):
        value = self.get if method == "get" else self.post
        return value if isinstance(value, dict) else everyone(value)

    def url(self, world):
        kwargs = {k: (v(world) if callable(v) else v) for k, v in self.kwargs.items()}
        return reverse(self.name, kwargs=kwargs) + self.query

    @property
    def id(self):
        return f"{self.name}{'-' + self.note if self.note else ''}"


# The shapes most pages have.
LOGIN_ONLY = everyone(302)
EDIT_OPEN_ROUND = who(302, 403, 404, 200, 200)  # own region's data, round still open
EDIT_FROZEN = who(302, 403, 404, 403, 403)  # a closed or published round
NATIONAL_ONLY = who(302, 403, 403, 403, 200)
NATIONAL_READ = who(404, 404, 404, 404, 200)  # unpublished, national office only

ACCOUNTS = [
    Row("login", get=200, post=200),  # an empty login form is shown again
    Row("logout", get=405, post=302),
    # Single sign-on (tests/test_oidc.py): not configured here, so not there.
    Row("oidc-start", get=404, post=405),
    Row("oidc-callback", get=404, post=405),
    Row("set_language", get=302, post=302),
    Row("switch-language", {"code": "en"}, get=302, post=302),
    Row("switch-language", {"code": "xx"}, get=404, post=404, note="unknown"),
    # Every signed-in user's own account pages; anonymous is sent to the login.
    Row("otp-verify", get=LOGIN_ONLY, post=LOGIN_ONLY),
    Row("account", get=who(302, 200, 200, 200, 200), post=who(302, 200, 200, 200, 200)),
    # The national user here already has a device: enrolment sends them on; recovery
    # codes exist only for users with a device.
    Row("otp-setup", get=who(302, 200, 200, 200, 302), post=who(302, 200, 200, 200, 302)),
    Row("otp-recovery", get=who(302, 302, 302, 302, 200), post=LOGIN_ONLY),
    Row("password_change", get=who(302, 200, 200, 200, 200), post=who(302, 200, 200, 200, 200)),
    Row("password_reset", get=200, post=200),
    Row("password_reset_done", get=200, post=405),
    Row("password_reset_confirm", {"uidb64": "MQ", "token": "bestaat-niet"}, get=200, post=200),
    Row("password_reset_complete", get=200, post=405),
    Row("security", {"slug": P}, get=NATIONAL_ONLY, post=who(302, 403, 403, 403, 302)),
    Row("security-log", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("messages", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row(
        "messages-retry",
        {"slug": P},
        get=who(302, 405, 405, 405, 405),
        post=who(302, 403, 403, 403, 302),
    ),
    Row("security-log-csv", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
]

PICTURE = [
    Row("home", get=LOGIN_ONLY, post=LOGIN_ONLY),
    Row("health", get=200, post=200),
    # Readiness and workers (raak/core/health.py): the same for everyone; no worker
    # beats in the test, so the workers' page says 503.
    Row("health-ready", get=200, post=405),
    Row("health-workers", get=503, post=405),
    Row("favicon", get=200, post=405),
    Row("programme", {"slug": P}, get=LOGIN_ONLY, post=LOGIN_ONLY),
    Row("programme", {"slug": "bestaat-niet"}, get=404, post=404, note="unknown"),
    Row("national", {"slug": P, "round_slug": R1}, get=200, post=200, note="published"),
    Row("national", {"slug": P, "round_slug": R2}, get=NATIONAL_READ, post=NATIONAL_READ,
        note="open"),
    Row("national", {"slug": P, "round_slug": "bestaat-niet"}, get=404, post=404, note="unknown"),
    Row("national-map", {"slug": P, "round_slug": R1}, get=200, post=200, note="published"),
    Row("national-map", {"slug": P, "round_slug": R2}, get=NATIONAL_READ, post=NATIONAL_READ,
        note="open"),
    Row("national-map", {"slug": P, "round_slug": R1}, query="?kaart=bestaat-niet", get=404,
        post=404, note="unknown map"),
    Row("map-fragment", {"slug": P, "round_slug": R1, "key": "werkplan"}, get=200, post=200,
        note="published"),
    Row("map-fragment", {"slug": P, "round_slug": R2, "key": "werkplan"}, get=NATIONAL_READ,
        post=NATIONAL_READ, note="open"),
    Row("map-fragment", {"slug": P, "round_slug": R1, "key": "bestaat-niet"}, get=404, post=404,
        note="unknown map"),
    Row("region", {"slug": P, "region_slug": "gouda"}, get=200, post=200),
    Row("region", {"slug": P, "region_slug": "atlantis"}, get=404, post=404, note="unknown"),
    Row("document", {"slug": P, "doc_id": lambda w: w["doc"].id},
        get=who(404, 200, 404, 200, 200), post=who(404, 200, 404, 200, 200)),
    Row("document", {"slug": P, "doc_id": 999999}, get=404, post=404, note="unknown"),
    Row("forecast", {"slug": P}, get=200, post=200),
    # Progress over published rounds for everyone; reporting rates only on the office's.
    Row("progress", {"slug": P}, get=200, post=200),
    Row("progress", {"slug": "bestaat-niet"}, get=404, post=404, note="unknown"),
    Row("forecast", {"slug": P}, query=f"?ronde={R2}", get=NATIONAL_READ, post=NATIONAL_READ,
        note="open"),
    Row("forecast-csv", {"slug": P}, get=200, post=200),
    Row("forecast-xlsx", {"slug": P}, query=f"?ronde={R2}", get=NATIONAL_READ,
        post=NATIONAL_READ),
    Row("edit-status",
        {"slug": P, "round_slug": R2, "region_slug": "gouda", "key": "handelingsprotocol"},
        get=EDIT_OPEN_ROUND, post=EDIT_OPEN_ROUND, note="open"),
    Row("edit-status",
        {"slug": P, "round_slug": R1, "region_slug": "gouda", "key": "handelingsprotocol"},
        get=EDIT_FROZEN, post=EDIT_FROZEN, note="published"),
    Row("edit-status", {"slug": P, "round_slug": R2, "region_slug": "gouda", "key": "bestaat-niet"},
        get=who(302, 403, 404, 404, 404), post=who(302, 403, 404, 404, 404), note="unknown"),
    Row("edit-indicator",
        {"slug": P, "round_slug": R2, "region_slug": "gouda", "key": "stuurgroep-na-2010"},
        get=EDIT_OPEN_ROUND, post=EDIT_OPEN_ROUND, note="open"),
    Row("edit-indicator",
        {"slug": P, "round_slug": R1, "region_slug": "gouda", "key": "stuurgroep-na-2010"},
        get=EDIT_FROZEN, post=EDIT_FROZEN, note="published"),
    Row("rounds", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    # Validation rules: the national office only; an empty POST changes nothing.
    Row("rules", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("rule-new", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("rule-edit", {"slug": P, "key": "teruggezet"}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("rule-edit", {"slug": P, "key": "geen-regel"}, get=who(302, 403, 403, 403, 404),
        post=who(302, 403, 403, 403, 404), note="unknown"),
    # POST only; an empty POST changes nothing and sends the national office back.
    Row("round-state", {"slug": P, "round_slug": R2}, get=who(302, 405, 405, 405, 405),
        post=who(302, 403, 403, 403, 302)),
]  # fmt: skip

PRACTICE = [
    Row("protocols", {"slug": P}, get=200, post=200),
    Row("protocol-region", {"slug": P, "region_slug": "gouda"}, get=200, post=200),
    # An empty checklist is a valid save (nothing answered), hence the redirect.
    Row("protocol-edit", {"slug": P, "region_slug": "gouda"}, get=EDIT_OPEN_ROUND,
        post=who(302, 403, 404, 302, 302)),
    Row("training", {"slug": P}, get=200, post=200),
    Row("training-reach-add", {"slug": P, "region_slug": "gouda"}, get=EDIT_OPEN_ROUND,
        post=EDIT_OPEN_ROUND),
    Row("network", {"slug": P}, get=200, post=200),
    Row("network-region", {"slug": P, "region_slug": "gouda"}, get=200, post=200),
    Row("network-add", {"slug": P, "region_slug": "gouda", "what": "instelling"},
        get=EDIT_OPEN_ROUND, post=EDIT_OPEN_ROUND),
    Row("network-add", {"slug": P, "region_slug": "gouda", "what": "onzin"},
        get=who(302, 403, 404, 404, 404), post=who(302, 403, 404, 404, 404), note="unknown"),
]  # fmt: skip

KNOWLEDGE = [
    Row("catalogue", {"slug": P}, get=200, post=200),
    Row("activity", {"slug": P, "key": "b3-001"}, get=200, post=200),
    Row("activity", {"slug": P, "key": "bestaat-niet"}, get=404, post=404, note="unknown"),
    # Any coordinator adds activities (for their own regions); viewers may not.
    Row("activity-new", {"slug": P}, get=who(302, 403, 200, 200, 200),
        post=who(302, 403, 200, 200, 200)),
    # b3-001 belongs to no region of these coordinators: only the national office.
    Row("activity-edit", {"slug": P, "key": "b3-001"}, get=who(302, 404, 404, 404, 200),
        post=who(302, 404, 404, 404, 200)),
    Row("action-points", {"slug": P}, get=200, post=200),
    Row("action-point-new", {"slug": P, "region_slug": "gouda"}, get=EDIT_OPEN_ROUND,
        post=EDIT_OPEN_ROUND),
    Row("action-point-edit",
        {"slug": P, "region_slug": "gouda", "point_id": lambda w: w["point"].id},
        get=EDIT_OPEN_ROUND, post=EDIT_OPEN_ROUND),
]  # fmt: skip

QUESTIONNAIRES = [
    Row("questionnaires", {"slug": P}, get=200, post=200),
    Row("response", {"slug": P, "q_slug": Q, "round_slug": R2, "region_slug": "gouda"},
        get=who(302, 200, 404, 200, 200), post=EDIT_OPEN_ROUND),  # viewers read, never write
    # Comparing needs two visible rounds; the public sees one published round here.
    Row("compare", {"slug": P, "q_slug": Q}, get=NATIONAL_READ, post=NATIONAL_READ),
    Row("compare-csv", {"slug": P, "q_slug": Q}, get=NATIONAL_READ, post=NATIONAL_READ),
    Row("compare-xlsx", {"slug": P, "q_slug": Q}, get=NATIONAL_READ, post=NATIONAL_READ),
    # A post without an action is a malformed request: 400, nothing changes.
    Row("coding", {"slug": P, "q_slug": Q}, query=f"?ronde={R2}", get=NATIONAL_ONLY,
        post=who(302, 403, 403, 403, 400)),
    # Uploads and the builder: national office only; an empty post is refused (400).
    Row("questionnaire-import", {"slug": P}, get=NATIONAL_ONLY, post=who(302, 403, 403, 403, 400)),
    Row("responses-import", {"slug": P, "q_slug": Q}, get=NATIONAL_ONLY,
        post=who(302, 403, 403, 403, 400)),
    Row("questionnaire-xlsform", {"slug": P, "q_slug": Q}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    # Retiring a questionnaire (an empty POST takes it into use: no change here).
    Row("questionnaire-retire", {"slug": P, "q_slug": Q}, get=who(302, 405, 405, 405, 405),
        post=NATIONAL_ONLY | {"national": 302}),
    Row("questionnaire-new", {"slug": P}, get=NATIONAL_ONLY, post=who(302, 403, 403, 403, 400)),
    # The test questionnaire is published: no draft to change until one is made.
    Row("builder", {"slug": P, "q_slug": Q}, get=NATIONAL_ONLY, post=who(302, 403, 403, 403, 404)),
    Row("builder-preview", {"slug": P, "q_slug": Q}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("builder-check", {"slug": P, "q_slug": Q}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
]  # fmt: skip


class ApiRow(Row):
    """A URL of the JSON API (namespace `api`). The API ignores the session, so every
    signed-in person here is anonymous to it; the token matrix is tests/test_api.py."""

    def url(self, world):
        return reverse(f"api:{self.name}", kwargs=self.kwargs) + self.query


PR = {"programme": P}
GOUDA_R2 = {"programme": P, "round": R2, "region": "gouda"}
API = [
    Row("api-docs", get=200, post=405),
    Row("api-tokens", get=who(302, 200, 200, 200, 200), post=who(302, 200, 200, 200, 200)),
    Row("api-token-revoke", {"token_id": 999999}, get=who(302, 405, 405, 405, 405),
        post=who(302, 404, 404, 404, 404)),
    ApiRow("api-root", get=404, post=404),
    ApiRow("openapi-json", get=200, post=405),
    ApiRow("list_programmes", get=200, post=405),
    ApiRow("get_programme", PR, get=200, post=405),
    ApiRow("list_regions", PR, get=200, post=405),
    ApiRow("get_region", {**PR, "region": "gouda"}, get=200, post=405),
    ApiRow("list_milestones", PR, get=200, post=405),
    ApiRow("list_indicators", PR, get=200, post=405),
    ApiRow("list_rounds", PR, get=200, post=405),
    ApiRow("get_round", {**PR, "round": R2}, get=404, post=405),
    ApiRow("round_summary", {**PR, "round": R1}, get=200, post=405),
    ApiRow("list_round_statuses", {**PR, "round": R2}, get=404, post=405),
    ApiRow("list_round_values", {**PR, "round": R1}, get=200, post=405),
    ApiRow("list_region_statuses", GOUDA_R2, get=404, post=405),
    ApiRow("list_region_values", GOUDA_R2, get=404, post=405),
    ApiRow("list_rule_results", {**PR, "round": R1, "region": "gouda"}, get=200, post=405),
    ApiRow("list_rule_results", GOUDA_R2, get=404, post=405, note="open"),
    ApiRow("list_reporting_rates", PR, get=404, post=405),
    ApiRow("forecast", PR, get=200, post=405),
    ApiRow("list_activities", PR, get=200, post=405),
    ApiRow("get_activity", {**PR, "activity": "b3-001"}, get=200, post=405),
    ApiRow("list_action_points", PR, get=200, post=405),
    ApiRow("get_status", {**GOUDA_R2, "milestone": "handelingsprotocol"}, get=404, post=405),
    ApiRow("put_status", {**GOUDA_R2, "milestone": "werkplan"}, get=404, post=405),
    ApiRow("patch_status", {**GOUDA_R2, "milestone": "startfoto"}, get=404, post=405),
    ApiRow("get_value", {**GOUDA_R2, "indicator": "stuurgroep-na-2010"}, get=404, post=405),
    ApiRow("put_value", {**GOUDA_R2, "indicator": "stuurgroep-na-2010"}, get=404, post=405),
    ApiRow("patch_value", {**GOUDA_R2, "indicator": "stuurgroep-na-2010"}, get=404, post=405),
    # Open data and published reports: published rounds only, for everyone alike.
    ApiRow("list_open_data", {**PR, "round": R1}, get=200, post=405),
    ApiRow("list_open_data", {**PR, "round": R2}, get=404, post=405, note="open"),
    ApiRow("get_open_data_table", {**PR, "round": R1, "table": "mijlpalen"}, get=200, post=405),
    ApiRow("get_open_data_table", {**PR, "round": R2, "table": "mijlpalen"}, get=404, post=405,
           note="open"),
    ApiRow("list_published_reports", PR, get=200, post=405),
]  # fmt: skip


def _route(world):
    """Route map steps, a draft contact and a draft protocol document of Gouda, made
    the first time a row needs them."""
    if "route" not in world:
        from raak.routes import loading, service
        from raak.routes.models import ProtocolDocument
        from tests.test_routes import ROUTES

        loading.load(ROUTES)
        gouda = world["doc"].status.region
        step = gouda.programme.route_steps.get(key="melden")
        contact = service.save_contact(gouda, step, None, {
            "organisation": "AMK", "role": "", "phone": "0800 2000", "email": "", "website": "",
            "opening_hours": "", "person_name": "", "consent_on": None,
        }, expected_version=0, user=None, programme=gouda.programme)  # fmt: skip
        doc = ProtocolDocument(region=gouda, original_name="p.pdf", content_type="application/pdf",
                               size=9, sha256="y" * 64)  # fmt: skip
        doc.file.save("y" * 64, ContentFile(b"%PDF-1.4\n"), save=False)
        doc.save()
        world["route"] = {"step": step.key, "contact": contact.id, "doc": doc.id}
    return world["route"]


GOUDA = {"slug": P, "region_slug": "gouda"}
ROUTES = [
    Row("route-find", {"slug": P}, get=200, post=200),
    Row("route-overview", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("route-region", GOUDA, get=200, post=200),
    Row("route-region", {"slug": P, "region_slug": "atlantis"}, get=404, post=404, note="unknown"),
    # A draft document: the region and the national office; published ones: everyone.
    Row("route-document", {**GOUDA, "doc_id": lambda w: _route(w)["doc"]},
        get=who(404, 200, 404, 200, 200), post=who(404, 200, 404, 200, 200)),
    # An empty form is refused with a message (400), nothing saved.
    Row("route-edit", GOUDA, get=EDIT_OPEN_ROUND, post=who(302, 403, 404, 400, 400)),
    Row("route-protocol", GOUDA, get=who(302, 403, 404, 405, 405), post=who(302, 403, 404, 400, 400)),
    # An empty POST names no revision: nothing published, back to the editor.
    Row("route-publish", GOUDA, get=who(302, 403, 403, 403, 405), post=who(302, 403, 403, 403, 302)),
    Row("route-contact-new", {**GOUDA, "step_key": lambda w: _route(w)["step"]},
        get=EDIT_OPEN_ROUND, post=who(302, 403, 404, 400, 400)),
    Row("route-contact-new", {**GOUDA, "step_key": "bestaat-niet"},
        get=who(302, 403, 404, 404, 404), post=who(302, 403, 404, 404, 404), note="unknown"),
    Row("route-contact", {**GOUDA, "contact_id": lambda w: _route(w)["contact"]},
        get=EDIT_OPEN_ROUND, post=who(302, 403, 404, 400, 400)),
    # Without the version it was shown at, a delete is refused (a conflict), nothing goes.
    Row("route-contact-delete", {**GOUDA, "contact_id": lambda w: _route(w)["contact"]},
        get=who(302, 403, 404, 405, 405), post=who(302, 403, 404, 302, 302)),
]  # fmt: skip

RR = {"slug": P, "round_slug": R2}
CYCLE = [
    # The start page: members see their work; the national office is sent to the
    # submissions overview of the open round.
    Row("start", get=who(302, 200, 200, 200, 302), post=who(302, 200, 200, 200, 302)),
    # An empty POST names no action: read-only members 403, writers 400; nothing changes.
    Row("submission", {**RR, "region_slug": "gouda"}, get=who(302, 200, 404, 200, 200),
        post=who(302, 403, 404, 400, 400)),
    Row("submissions", RR, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("submissions-csv", RR, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("submissions-xlsx", RR, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("reminder-plan", RR, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("remind-now", RR, get=NATIONAL_ONLY, post=who(302, 403, 403, 403, 302)),
    Row("advisor-notes", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    # Only an advisor of the region writes notes; the national office reads them.
    Row("advisor-note-new", {"slug": P, "region_slug": "gouda"},
        get=who(302, 403, 404, 403, 403), post=who(302, 403, 404, 403, 403)),
    # The open round cannot be published yet: the office is sent back to the rounds.
    Row("round-publish", RR, get=who(302, 403, 403, 403, 302), post=who(302, 403, 403, 403, 302)),
    Row("round-withdraw", RR, get=who(302, 405, 405, 405, 405), post=who(302, 403, 403, 403, 302)),
    Row("round-dates", RR, get=who(302, 405, 405, 405, 405), post=who(302, 403, 403, 403, 302)),
    # Closing the open round: the confirmation page; an empty POST is refused (403).
    Row("round-close", RR, get=NATIONAL_ONLY, post=NATIONAL_ONLY | {"national": 403}),
    Row("round-close", {**RR, "round_slug": R1}, get=NATIONAL_ONLY | {"national": 302},
        post=NATIONAL_ONLY | {"national": 302}, note="published"),
    # Reopening: the national office only; a reason is needed (the empty POST is refused
    # with a message), and a published round is never reopened.
    Row("round-reopen", RR, get=who(302, 405, 405, 405, 405), post=who(302, 403, 403, 403, 302)),
    Row("round-reopen", {**RR, "round_slug": R1}, get=who(302, 405, 405, 405, 405),
        post=who(302, 403, 403, 403, 302), note="published"),
    # An empty POST is not the page's form (no `shown`): the form again, nothing changed.
    Row("round-questionnaires", RR, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("round-questionnaires", {**RR, "round_slug": R1}, get=NATIONAL_ONLY,
        post=NATIONAL_ONLY | {"national": 403}, note="published"),
]  # fmt: skip


def _invitation(world):
    """An open invitation of the programme, made on first use."""
    if "invitation" not in world:
        from datetime import timedelta

        from django.utils import timezone

        from raak.accounts.invitations import Invitation
        from raak.programmes.models import Programme

        world["invitation"] = Invitation.objects.create(
            programme=Programme.objects.get(slug=P), email="nieuw@example.org", kind="viewer",
            expires=timezone.now() + timedelta(days=7),
        )  # fmt: skip
    return world["invitation"].id


def _status_change(world):
    """A revertible change record: the note of Gouda's status in the open round."""
    if "status_change" not in world:
        from raak.programmes.models import ChangeRecord

        status = MilestoneStatus.objects.get(
            round=world["round"], region__slug="gouda", milestone__key="handelingsprotocol"
        )
        world["status_change"] = ChangeRecord.objects.create(
            programme=world["round"].programme, round=world["round"], region=status.region,
            subject=status.milestone.name, field="note", old="", new=SECRET, kind="status",
            object_id=status.milestone_id,
        )  # fmt: skip
    return world["status_change"].id


HISTORY = [
    # The programme-wide history and its exports, and reverting one change: national only.
    Row("history", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("history-csv", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    Row("history-xlsx", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    # GET: the confirmation page; an empty POST lacks the reason: the page again, unchanged.
    Row("history-revert", {"slug": P, "change_id": _status_change}, get=NATIONAL_ONLY,
        post=NATIONAL_ONLY),
    Row("history-revert", {"slug": P, "change_id": 999999}, get=who(302, 403, 403, 403, 404),
        post=who(302, 403, 403, 403, 404), note="unknown"),
]  # fmt: skip


PEOPLE = [
    # Coordinators see their own region's people (read-only); viewers do not.
    Row("people", {"slug": P}, get=who(302, 403, 200, 200, 200), post=who(302, 403, 200, 200, 200)),
    Row("people-invite", {"slug": P}, get=NATIONAL_ONLY, post=NATIONAL_ONLY),
    # An empty POST is an unknown action: a message, nothing changed.
    Row("person", {"slug": P, "user_id": lambda w: w["people"]["coord_b"].id}, get=NATIONAL_ONLY,
        post=who(302, 403, 403, 403, 302)),
    Row("person", {"slug": P, "user_id": 999999}, get=who(302, 403, 403, 403, 404),
        post=who(302, 403, 403, 403, 404), note="unknown"),
    Row("invitation-action", {"slug": P, "invitation_id": _invitation},
        get=who(302, 405, 405, 405, 405), post=who(302, 403, 403, 403, 302)),
    Row("invitation-accept", {"token": "onzin"}, get=404, post=404),
]  # fmt: skip

# A draft report on the open round R2 (it cannot be published), none on R1; a finished
# regional file of Gouda for R2 (unpublished: Gouda and the national office only).
REPORT_NATIONAL = who(404, 403, 403, 403, 200)
REPORT_GOUDA = who(404, 200, 404, 200, 200)
REPORTS = [
    Row("reports", {"slug": P}, get=200, post=200),
    Row("report", {"slug": P, "round_slug": R2}, get=REPORT_NATIONAL, post=REPORT_NATIONAL,
        note="draft"),
    Row("report", {"slug": P, "round_slug": R1}, get=REPORT_NATIONAL, post=REPORT_NATIONAL,
        note="none-yet"),
    Row("report", {"slug": P, "round_slug": "bestaat-niet"}, get=404, post=404, note="unknown"),
    Row("report-create", {"slug": P, "round_slug": R2}, get=who(302, 405, 405, 405, 405),
        post=NATIONAL_ONLY | {"national": 302}),
    # An empty POST lacks the version: the form is shown again, nothing saved.
    Row("report-text", {"slug": P, "round_slug": R2, "key": "conclusies"}, get=NATIONAL_ONLY,
        post=NATIONAL_ONLY),
    Row("report-text", {"slug": P, "round_slug": R2, "key": "bijlage-1"},
        get=who(302, 403, 403, 403, 404), post=who(302, 403, 403, 403, 404), note="no-text"),
    # Publishing a report of an open round is refused with a message (a redirect).
    Row("report-publish", {"slug": P, "round_slug": R2}, get=NATIONAL_ONLY | {"national": 302},
        post=NATIONAL_ONLY | {"national": 302}),
    # GET: the page with the button (no file of the draft yet), or the file's own page.
    Row("report-file", {"slug": P, "round_slug": R2, "fmt": "html"}, get=REPORT_NATIONAL,
        post=who(404, 403, 403, 403, 302)),
    Row("region-report", {"slug": P, "round_slug": R2, "region_slug": "gouda"},
        get=REPORT_GOUDA, post=REPORT_GOUDA, note="open"),
    Row("region-report", {"slug": P, "round_slug": R1, "region_slug": "gouda"}, get=200,
        post=200, note="published"),
    Row("region-report-file", {"slug": P, "round_slug": R2, "region_slug": "gouda", "fmt": "html"},
        get=REPORT_GOUDA, post=who(404, 302, 404, 302, 302)),
    Row("report-file-status", {"slug": P, "file_id": lambda w: w["report_file"].id},
        get=REPORT_GOUDA, post=REPORT_GOUDA),
    Row("report-file-status", {"slug": P, "file_id": 999999}, get=404, post=404, note="unknown"),
    Row("report-file-download", {"slug": P, "file_id": lambda w: w["report_file"].id},
        get=REPORT_GOUDA, post=REPORT_GOUDA),
]  # fmt: skip

LOOK = [
    Row("theme-tokens", {"version": 1}, get=404, post=405, note="no token stylesheet yet"),
    Row("theme-logo", {"version": 1}, get=404, post=405),
    Row("theme-favicon", {"version": 1}, get=404, post=405),
    Row("theme-settings", get=404, post=404, note="superusers only"),
    Row("accessibility", get=200, post=405),
    Row("privacy", get=200, post=405),
    Row("contact", get=200, post=405),
    Row("help", get=200, post=405),
    Row("help-role", {"role": "coordinator"}, get=200, post=405),
    Row("help-role", {"role": "landelijk-bureau"}, get=200, post=405),
    Row("help-role", {"role": "adviseur"}, get=200, post=405),
    Row("help-role", {"role": "publiek"}, get=200, post=405),
    Row("help-role", {"role": "bestaat-niet"}, get=404, post=405, note="unknown role"),
    Row("security-txt", get=200, post=405),
]

# Open data: what is public, the same for everyone; nothing of the open round R2, not
# even for the national office. Only GET/HEAD.
OPENDATA = [
    Row("opendata", {"slug": P}, get=200, post=405),
    Row("opendata-catalog-ttl", {"slug": P}, get=200, post=405),
    Row("opendata-catalog-jsonld", {"slug": P}, get=200, post=405),
    Row("opendata-round", {"slug": P, "round_slug": R1}, get=200, post=405),
    Row("opendata-round", {"slug": P, "round_slug": R2}, get=404, post=405, note="open"),
    Row("opendata-file", {"slug": P, "round_slug": R1, "filename": "mijlpalen.csv"}, get=200,
        post=405),
    Row("opendata-file", {"slug": P, "round_slug": R2, "filename": "mijlpalen.csv"}, get=404,
        post=405, note="open"),
]  # fmt: skip

AREAS = [
    LOOK,
    ACCOUNTS,
    OPENDATA,
    PICTURE,
    HISTORY,
    PRACTICE,
    KNOWLEDGE,
    QUESTIONNAIRES,
    CYCLE,
    PEOPLE,
    REPORTS,
    ROUTES,
    API,
]
ROWS = [row for area in AREAS for row in area]


def url_names(patterns=None):
    """Every named URL pattern of the project, walking included URLconfs."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from url_names(p.url_patterns)
        elif p.name:
            yield p.name


def test_every_url_name_has_a_row():
    covered = {row.name for row in ROWS}
    missing = [name for name in url_names() if name not in covered]
    assert not missing, "\n".join(
        f"URL name '{name}' has no row in the permission matrix (tests/test_permission_matrix.py)"
        for name in missing
    )


def test_every_url_pattern_has_a_name():
    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            else:
                yield p

    unnamed = [str(p.pattern) for p in walk(get_resolver().url_patterns) if not p.name]
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"


@pytest.fixture
def world(knowledge, practice, people, ruled_round):
    # With the demo's validation rules, so their pages have a rule to show.
    open_round = ruled_round
    from raak.knowledge.models import ActionPoint
    from raak.questionnaires import exchange
    from tests.test_findings import QDATA

    status = MilestoneStatus.objects.get(
        round=open_round, region__slug="gouda", milestone__key="handelingsprotocol"
    )
    status.note = SECRET
    status.save()
    doc = EvidenceDocument(status=status, original_name="plan.pdf", content_type="application/pdf",
                           size=9, sha256="x" * 64)  # fmt: skip
    doc.file.save("x" * 64, ContentFile(b"%PDF-1.4\n"), save=False)
    doc.save()
    exchange.load(QDATA, publish=True)
    gouda = knowledge.regions.get(slug="gouda")
    point = ActionPoint.objects.create(programme=knowledge, region=gouda, year=2011, number=99,
                                       text="Een actiepunt", version=1)  # fmt: skip
    template = report_templates.load(knowledge, report_templates.DEMO_TEMPLATE)
    Report.objects.create(programme=knowledge, round=open_round, template=template,
                          chapters=template.chapters, title="Concept")  # fmt: skip
    report_file = ReportFile.objects.create(
        programme=knowledge, round=open_round, region=gouda, format="html", unpublished=True,
        fingerprint="f" * 64, state=ReportFile.DONE)  # fmt: skip
    report_file.file.save("x.html", ContentFile(b"<p>regiorapport</p>"))
    return {"clients": _clients(people), "people": people, "doc": doc, "point": point,
            "round": open_round, "report_file": report_file}  # fmt: skip


def _clients(people):
    clients = {"anonymous": Client()}
    for name in WHO[1:]:
        clients[name] = sign_in(Client(), people[name])
    return clients


def test_permission_matrix(world):
    """Every row, in one database set up once (the set-up is the slow part); fresh
    sessions per row, since a row may log out or change the language."""
    wrong = []
    for row in ROWS:
        clients = _clients(world["people"])
        url = row.url(world)
        for method in ("get", "post"):
            responses = {w: getattr(clients[w], method)(url) for w in WHO}
            got = {w: r.status_code for w, r in responses.items()}
            if got != row.expected(method):
                wrong.append(f"{row.id} {method.upper()} {url}: got {got}, "
                             f"wanted {row.expected(method)}")  # fmt: skip
            if method == "get" and row.expected("get") == NATIONAL_ONLY:
                # A member who may not see the page is told so, not that they may
                # read it but not change it (issue #22).
                for w in ("viewer_a", "coord_b", "coord_a"):
                    text = responses[w].content.decode()
                    if got[w] == 403 and (READ_ONLY_TEXT in text or "Geen toegang" not in text):
                        wrong.append(f"{row.id} GET {url}: {w}'s 403 page says it is read-only")
    assert not wrong, "\n".join(wrong)


def test_round_state_change_is_national_only(world):
    rnd = world["round"]
    url = reverse("round-state", kwargs={"slug": P, "round_slug": R2})
    clients = world["clients"]
    close = reverse("round-close", kwargs={"slug": P, "round_slug": R2})
    reopen = reverse("round-reopen", kwargs={"slug": P, "round_slug": R2})
    got = {w: clients[w].post(url, {"state": "closed"}).status_code for w in WHO[:-1]}
    assert got == {"anonymous": 302, "viewer_a": 403, "coord_b": 403, "coord_a": 403}
    got = {w: clients[w].post(close, {"confirm": "1"}).status_code for w in WHO[:-1]}
    assert got == {"anonymous": 302, "viewer_a": 403, "coord_b": 403, "coord_a": 403}
    rnd.refresh_from_db()
    assert rnd.state == "open"
    assert clients["national"].post(close, {"confirm": "1"}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.state == "closed"
    # Reopening is the national office's alone.
    data = {f"reopen-{R2}-reason": "Delft had de verkeerde versie"}
    got = {w: clients[w].post(reopen, data).status_code for w in WHO[:-1]}
    assert got == {"anonymous": 302, "viewer_a": 403, "coord_b": 403, "coord_a": 403}
    rnd.refresh_from_db()
    assert rnd.state == "closed"
    assert clients["national"].post(reopen, data).status_code == 302
    rnd.refresh_from_db()
    assert rnd.state == "open"


def test_document_download(world):
    response = world["clients"]["coord_a"].get(f"/{P}/document/{world['doc'].id}/")
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert b"".join(response) == b"%PDF-1.4\n"


# --- leaks --------------------------------------------------------------------------


def test_no_unpublished_data_leaks(world):
    clients = world["clients"]
    pages = [f"/{P}/regio/gouda/", f"/{P}/verwacht/", f"/{P}/verwacht.csv", f"/{P}/ronde/{R1}/",
             f"/{P}/ronde/{R2}/", f"/{P}/verwacht/?ronde={R2}", f"/{P}/document/999/",
             f"/{P}/open-data/", f"/{P}/open-data/catalog.ttl", f"/{P}/open-data/{R1}/",
             f"/{P}/open-data/{R1}/mijlpalen-per-regio.csv"]  # fmt: skip
    for w in ("anonymous", "coord_b"):
        for url in pages:
            body = b"".join(clients[w].get(url)).decode()
            assert SECRET not in body, (w, url)
            assert "Tweede peiling" not in body, (w, url)
    # Insiders of the region do see it.
    for w in ("coord_a", "viewer_a", "national"):
        assert SECRET in clients[w].get(f"/{P}/regio/gouda/").content.decode()


def test_outsiders_do_not_see_team_or_history(world):
    clients = world["clients"]
    for w in ("anonymous", "coord_b"):
        body = clients[w].get(f"/{P}/regio/gouda/").content.decode()
        assert "coord-a" not in body and "Wijzigingen" not in body
    body = clients["coord_a"].get(f"/{P}/regio/gouda/").content.decode()
    assert "coord-a" in body and "Wijzigingen" in body


def test_403_pages_say_why(world):
    """Read-only: "bekijken maar niet wijzigen"; a page for others only: "geen toegang"
    with its reason, in the visitor's language."""
    clients = world["clients"]
    national_page = clients["coord_a"].get(f"/{P}/ronde/{R2}/indieningen/")
    assert national_page.status_code == 403
    text = national_page.content.decode()
    assert "Geen toegang" in text and "alleen voor het landelijk bureau" in text
    assert READ_ONLY_TEXT not in text
    read_only = clients["viewer_a"].get(f"/{P}/ronde/{R2}/regio/gouda/mijlpaal/handelingsprotocol/")
    assert read_only.status_code == 403 and READ_ONLY_TEXT in read_only.content.decode()
    english = Client()
    english.cookies["django_language"] = "en"
    sign_in(english, world["people"]["coord_a"])
    text = english.get(f"/{P}/ronde/{R2}/indieningen/").content.decode()
    assert "only for the national office" in text and "alleen voor" not in text
