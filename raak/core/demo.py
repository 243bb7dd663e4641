"""The demo: the seed report's programme with every app's data from the seed, the
shipped questionnaires and report template, demo accounts, and optionally a second,
fictional programme (fictieve gegevens). Each app loads its own data with its own
loader; this module only knows which file goes to which loader, so that no app has to
know the others to make the demo."""

from dataclasses import dataclass
from pathlib import Path

from raak.accounts.demo import create_demo_users
from raak.knowledge import loading as knowledge
from raak.programmes import tables
from raak.programmes.importing import import_programme
from raak.programmes.models import Programme
from raak.protocols import loading as protocols
from raak.questionnaires import exchange as questionnaires
from raak.questionnaires import synthetic as synthetic_answers
from raak.reports import templates as report_templates
from raak.routes import loading as routes
from raak.routes import synthetic as synthetic_routes
from raak.training import loading as training

RAAK = Path(__file__).resolve().parents[1]
SLUG = "raak-2008-2010"
DEMO_FILE = RAAK / "programmes" / "data" / f"{SLUG}.json"
ACTIVITIES_FILE = RAAK / "knowledge" / "data" / "activities-2008-2010.json"
ACTION_POINTS_FILE = RAAK / "knowledge" / "data" / "action-points-2011.json"
PROTOCOLS_FILE = RAAK / "protocols" / "data" / "protocols-2008-2010.json"
TRAINING_FILE = RAAK / "training" / "data" / "training-2008-2010.json"
ROUTES_FILE = RAAK / "routes" / "data" / "route-map-2008-2010.json"
QUESTIONNAIRES = RAAK / "questionnaires" / "data"
SHIPPED_QUESTIONNAIRES = ("eindmeting-zorgcontinuum", "slotrapportage")
ACTOR = "raak demo"


@dataclass
class Loaded:
    programme: Programme
    created: bool  # False: the demo programme was there already and was left alone
    activities: int = 0
    action_points: int = 0
    fictional: Programme | None = None
    accounts: list | None = None  # demo accounts made now (none when they existed)


def load(reset=False, synthetic=False):
    if reset:
        Programme.objects.filter(slug=SLUG).delete()
    programme = Programme.objects.filter(slug=SLUG).first()
    loaded = Loaded(programme, created=programme is None)
    if programme is None:
        loaded.programme = import_programme(tables.read(DEMO_FILE), actor=ACTOR).programme
        loaded.activities = knowledge.load_activities(ACTIVITIES_FILE, actor=ACTOR)
        loaded.action_points = knowledge.load_action_points(ACTION_POINTS_FILE, actor=ACTOR)
        protocols.load(PROTOCOLS_FILE, actor=ACTOR)
        training.load(TRAINING_FILE, actor=ACTOR)
        routes.load(ROUTES_FILE, actor=ACTOR)
        for name in SHIPPED_QUESTIONNAIRES:
            questionnaires.load(QUESTIONNAIRES / f"{name}.json", publish=True)
    # Idempotent, so a demo database loaded before reports existed gets the template.
    report_templates.load(loaded.programme, report_templates.DEMO_TEMPLATE, actor=ACTOR)
    loaded.accounts = create_demo_users(loaded.programme)
    if synthetic:
        loaded.fictional = synthetic_answers.load(loaded.programme)
        synthetic_routes.load(loaded.fictional)
        # The same demo accounts get roles in the fictional programme too.
        loaded.accounts += create_demo_users(loaded.fictional)
    return loaded
