"""The house rules of raak/ (docs/architecture.md, "Layers"), checked on the source.

Layers, from the ground up:
- `raak/lib/` — app-agnostic helpers (ZIP gate, spreadsheets, bulk inserts, geography,
  cell cleaning, periods, form fields, highlighting): imports no raak app at all;
- `raak.programmes` — the programme every app belongs to: imports only `lib`;
- every other app (`site` included) — imports itself, `programmes`, `lib` and the
  shared modules in SHARED; anything else is an exception in ALLOWED, with its reason;
- `raak/core` — the home of jobs that span apps: may import every app;
- the project's own modules (raak/urls.py, settings.py, cli.py, …) wire it all up.

No import circle anywhere, not even between two modules of one app.

How imports are found: every module is parsed with `ast` and EVERY import node counts,
at module level and inside functions alike (a function-level import is still a
dependency, and hiding one inside a function is the usual way to paper over a circle):
`import raak.x.y`, `from raak.x import y` (y as module raak.x.y when that file exists,
else the package raak.x), relative imports resolved against the module's package,
`import_module("raak.…")` and `apps.get_model("app", "Model")` (→ raak.app.models).
Not counted: string references Django resolves itself (settings' MIDDLEWARE,
`include("raak.x.urls")`, ForeignKey("app.Model")) and `{% load %}` in templates.
"""

import ast
from pathlib import Path

import pytest

RAAK = Path(__file__).resolve().parents[1] / "raak"
APPS = sorted(p.name for p in RAAK.iterdir() if (p / "apps.py").exists())
LIB = "lib"  # the ground floor: imports no app
BASE = "programmes"  # imports only lib
HOME = "core"  # the home of cross-app jobs: may import every app
MAX_LINES = 600  # a module readable in one sitting

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

# Modules over MAX_LINES, and why they may be (none today: split a module instead).
LONG = {}


def module_name(path):
    parts = path.relative_to(RAAK.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules():
    return {module_name(p): p for p in sorted(RAAK.rglob("*.py"))}


MODULES = all_modules()


def _imported(tree, module, is_package=False, known=MODULES):
    """The raak modules a parsed module imports, as dotted names."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            # `from raak.picture import maps` imports the module raak.picture.maps;
            # `from raak.picture.maps import build_map` imports raak.picture.maps.
            for alias in node.names:
                full = f"{name}.{alias.name}"
                yield full if full in known or not known else name
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            func = func or (node.func.id if isinstance(node.func, ast.Name) else "")
            arg = node.args[0].value
            if func == "import_module" and isinstance(arg, str):
                yield arg
            elif func == "get_model" and isinstance(arg, str):
                yield f"raak.{arg.split('.')[0]}.models"


def imports_of(path, source=None, known=MODULES):
    """The raak modules (dotted) that the module at `path` imports."""
    module = module_name(path)
    tree = ast.parse(source if source is not None else path.read_text(), str(path))
    found = set()
    for name in _imported(tree, module, path.name == "__init__.py", known):
        while known and name not in known and "." in name:
            name = name.rsplit(".", 1)[0]  # a name inside a module: the module
        if name.startswith("raak.") and name != module:
            found.add(name)
    return found


def cross_app_imports(path, source=None, known=MODULES):
    """[(imported app or lib, imported module)] for each import of another part of raak."""
    app = path.relative_to(RAAK).parts[0]
    found = set()
    for name in imports_of(path, source, known):
        parts = name.split(".")
        if len(parts) > 1 and (parts[1] in APPS or parts[1] == LIB) and parts[1] != app:
            found.add((parts[1], ".".join(parts[:3])))
    return sorted(found)


def modules(app):
    return sorted((RAAK / app).rglob("*.py"))


def allowed_reason(path, imported_app, imported_module):
    relative = path.relative_to(RAAK).as_posix()
    if imported_app == LIB:
        return "the app-agnostic helpers every app may use"
    if imported_app == BASE:
        return "the programme every app belongs to"
    if imported_module in SHARED:
        return SHARED[imported_module]
    for (where, other), reason in ALLOWED.items():
        if other == imported_app and (relative == where or relative.startswith(where)):
            return reason
    return None


def test_lib_imports_no_app():
    found = [
        f"{path.relative_to(RAAK).as_posix()} imports {module}"
        for path in modules(LIB)
        for _app, module in cross_app_imports(path)
    ]
    assert found == [], "raak/lib is the ground floor: Django and libraries only"


def test_programmes_imports_only_lib():
    found = [
        f"{path.relative_to(RAAK).as_posix()} imports {module}"
        for path in modules(BASE)
        for app, module in cross_app_imports(path)
        if app != LIB
    ]
    assert found == [], "raak.programmes must not know the apps built on it"


@pytest.mark.parametrize("app", [a for a in APPS if a not in (BASE, HOME)])
def test_each_app_knows_only_itself_programmes_lib_and_the_shared_layer(app):
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
    shared_used = {m for p in MODULES.values() for _a, m in cross_app_imports(p)}
    assert set(SHARED) - shared_used == set(), "remove shared modules no app imports"


def import_graph(paths=None):
    """{module: {modules it imports}} over every module of raak/ (migrations included)."""
    paths = MODULES if paths is None else paths
    return {name: imports_of(path) & set(paths) for name, path in paths.items()}


def circles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    graph = import_graph()
    found = [
        " <-> ".join(c) + ": " + "; ".join(f"{m} imports {sorted(graph[m] & set(c))}" for m in c)
        for c in circles(graph)
    ]
    assert found == [], "break the circle: move the shared part into a module of its own"


def test_no_module_is_over_600_lines():
    long = {
        path.relative_to(RAAK).as_posix(): n
        for path in MODULES.values()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    unexplained = {p: n for p, n in long.items() if p not in LONG}
    assert unexplained == {}, f"split modules over {MAX_LINES} lines (or add to LONG with why)"
    assert set(LONG) - set(long) == set(), "remove LONG entries that are short again"


def test_the_checker_sees_every_way_of_importing():
    path = RAAK / "programmes" / "sub" / "example.py"
    source = """
from raak.questionnaires.models import Response
import raak.cycle.models
from ...knowledge import loading
from . import status
from raak.programmes import tables
from raak.lib import safezip


def later():
    from raak.reports import build
    importlib.import_module("raak.routes.service")
    apps.get_model("training", "Reach")
"""
    assert sorted({app for app, _module in cross_app_imports(path, source, known={})}) == [
        "cycle", "knowledge", "lib", "questionnaires", "reports", "routes", "training",
    ]  # fmt: skip
    imported = imports_of(path, source, known={})
    assert "raak.training.models" in imported and "raak.programmes.sub.status" in imported


def test_the_circle_finder_finds_circles_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": {"g"}, "g": set()}
    assert circles(graph) == [["a", "b", "c"]]
    # A function-level import closes a circle as much as a module-level one.
    source_a = "import raak.site.b\n"
    source_b = "def later():\n    from raak.site import a\n"
    known = {"raak.site.a": None, "raak.site.b": None}
    graph = {
        "raak.site.a": imports_of(RAAK / "site" / "a.py", source_a, known),
        "raak.site.b": imports_of(RAAK / "site" / "b.py", source_b, known),
    }
    assert circles(graph) == [["raak.site.a", "raak.site.b"]]
