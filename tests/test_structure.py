"""Each app knows only itself and `programmes` (docs/architecture.md). Jobs that span
apps live in `raak/core`; the access layer of `raak.accounts` and the geography of
`raak.picture.geo` are shared by every app.

The imports of every module are read with `ast` (module level and inside functions,
relative imports resolved, `import_module("raak.…")` and `apps.get_model("app", …)`
calls included), so a new cross-app import fails here until it moves to `raak/core`
or is added below with its reason.
"""

import ast
from pathlib import Path

import pytest

RAAK = Path(__file__).resolve().parents[1] / "raak"
APPS = sorted(p.name for p in RAAK.iterdir() if (p / "apps.py").exists())
HOME = "core"  # the home of cross-app jobs: may import every app

# Modules of other apps that every app may use, and why.
SHARED = {
    "raak.accounts.access": "the one access layer: programme and rights per request, 404 for "
    "outsiders and 403 for read-only members, so no app writes its own rules",
    "raak.accounts.security": "the one security log every app writes sensitive reads and "
    "exports to",
    "raak.accounts.models": "roles (Role) are part of the access layer: who may write, who is "
    "reminded",
    "raak.look.theme": "the installation's theme (organisation name, logo, colours): every page, "
    "the report's cover and the e-mails show the same one",
    "raak.picture.geo": "the CBS/Kadaster boundaries and province names, decoded once per "
    "process for every page and finder that needs them",
}

# (importing module or package, under raak/; imported app) -> why it is allowed.
ALLOWED = {
    ("reports/", "knowledge"): "reports is the cross-app report job: a report reads the "
    "activities and action points of its programme",
    ("reports/", "protocols"): "the report job: the protocol findings chapter",
    ("reports/", "training"): "the report job: the reach figures chapter",
    ("reports/", "questionnaires"): "the report job: questionnaire results, codings and the "
    "comparison of two rounds",
    ("reports/", "cycle"): "the report job: the reporting rates and progress over the rounds "
    "block, counted by the same code as the progress page",
    ("reports/", "picture"): "the report job: the national picture and its maps, drawn by the "
    "same code as the web pages so report and site agree",
    ("opendata/", "picture"): "open data is the national picture's tables as files: the same "
    "code draws both, so the files say what the page says",
    ("opendata/", "questionnaires"): "open data: the questionnaire distributions of a round, "
    "counted by the comparison code",
    ("opendata/static_site.py", "reports"): "the static site holds the published national "
    "report's files, made by the report service as raak archive does (anonymous visitors "
    "never have one made)",
    ("picture/urls.py", "knowledge"): "one URL table for the pages under /<programme>/ (the "
    "order of its patterns matters); it names views, it does not use their data",
    ("picture/urls.py", "network"): "the same URL table",
    ("picture/urls.py", "protocols"): "the same URL table",
    ("picture/urls.py", "questionnaires"): "the same URL table",
    ("picture/urls.py", "training"): "the same URL table",
    ("api/read.py", "knowledge"): "the API serves the public catalogue of activities with "
    "the catalogue's own search",
    ("api/published.py", "opendata"): "the API serves the open-data tables of a published "
    "round, the same tables as the files",
    ("api/published.py", "reports"): "the API lists the published reports and their files",
    ("api/quality.py", "cycle"): "the API serves the reporting rates of the cycle, counted "
    "by the same code as the progress page",
    ("routes/views.py", "knowledge"): "a region's route map links that region's activities",
    ("routes/views.py", "training"): "a region's route map links that region's training offers",
}


def _imported(tree, module):
    """The raak modules a parsed module imports, as dotted names."""
    package = module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            # `from raak.picture import geo` imports raak.picture.geo (or a name in
            # raak.picture): the same app either way, and the module SHARED names.
            yield from (f"{name}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            func = func or (node.func.id if isinstance(node.func, ast.Name) else "")
            arg = node.args[0].value
            if func == "import_module" and isinstance(arg, str):
                yield arg
            elif func == "get_model" and isinstance(arg, str):
                yield f"raak.{arg.split('.')[0]}"


def cross_app_imports(path, source=None):
    """[(imported app, imported module)] for each import of another raak app."""
    relative = path.relative_to(RAAK)
    app = relative.parts[0]
    module = ".".join(["raak", *relative.with_suffix("").parts])
    tree = ast.parse(source if source is not None else path.read_text(), str(path))
    found = set()
    for name in _imported(tree, module):
        parts = name.split(".")
        if parts[0] == "raak" and len(parts) > 1 and parts[1] in APPS and parts[1] != app:
            found.add((parts[1], ".".join(parts[:3])))
    return sorted(found)


def modules(app):
    return sorted((RAAK / app).rglob("*.py"))


def allowed_reason(path, imported_app, imported_module):
    relative = path.relative_to(RAAK).as_posix()
    if imported_app == "programmes":
        return "the programme every app belongs to"
    if imported_module in SHARED:
        return SHARED[imported_module]
    for (where, other), reason in ALLOWED.items():
        if other == imported_app and (relative == where or relative.startswith(where)):
            return reason
    return None


def test_programmes_imports_no_other_app():
    found = [
        (path.relative_to(RAAK).as_posix(), module)
        for path in modules("programmes")
        for _app, module in cross_app_imports(path)
    ]
    assert found == [], "raak.programmes must not know the apps built on it"


@pytest.mark.parametrize("app", [a for a in APPS if a not in ("programmes", HOME)])
def test_each_app_knows_only_itself_and_programmes(app):
    found = [
        f"{path.relative_to(RAAK).as_posix()} imports {module}"
        for path in modules(app)
        for other, module in cross_app_imports(path)
        if allowed_reason(path, other, module) is None
    ]
    assert found == [], "move the job to raak/core, or add it to ALLOWED with a reason"


def test_every_allowed_exception_is_still_needed():
    used = {
        (where, other)
        for where, other in ALLOWED
        for path in modules(where.split("/")[0])
        if path.relative_to(RAAK).as_posix().startswith(where)
        for imported_app, _module in cross_app_imports(path)
        if imported_app == other
    }
    assert set(ALLOWED) - used == set(), "remove exceptions that no longer happen"


def test_the_checker_sees_every_way_of_importing():
    path = RAAK / "programmes" / "sub" / "example.py"
    source = """
from raak.questionnaires.models import Response
import raak.cycle.models
from ...knowledge import loading
from . import status
from raak.programmes import tables


def later():
    from raak.reports import build
    importlib.import_module("raak.routes.service")
    apps.get_model("training", "Reach")
"""
    assert sorted({app for app, _module in cross_app_imports(path, source)}) == [
        "cycle", "knowledge", "questionnaires", "reports", "routes", "training",
    ]  # fmt: skip
