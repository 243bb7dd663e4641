"""The kinds of data `raak import KIND FILE` and `raak export KIND` know, besides
`programme` (which has its own nested format, see raak.programmes.tables) and the
questionnaire kinds (`questionnaire`, `responses`, which take options of their own).
Each kind is read and written by its own app; this list is the only place that knows
them all."""

from collections.abc import Callable
from dataclasses import dataclass

from raak.knowledge import loading as knowledge
from raak.network import loading as network
from raak.protocols import loading as protocols
from raak.routes import loading as routes
from raak.training import loading as training


@dataclass(frozen=True)
class Kind:
    load: Callable  # (path, programme_slug, actor) -> rows loaded
    tables: Callable  # (programme) -> {table: [dict]}
    spec: tuple  # (format name, schema)


KINDS = {
    "activities": Kind(knowledge.load_activities, knowledge.activity_tables, knowledge.ACTIVITIES),
    "action-points": Kind(
        knowledge.load_action_points, knowledge.action_point_tables, knowledge.ACTION_POINTS
    ),
    "training": Kind(training.load, training.tables, training.SPEC),
    "network": Kind(network.load, network.tables, network.SPEC),
    "protocols": Kind(protocols.load, protocols.tables, protocols.SPEC),
    "route-maps": Kind(routes.load, routes.tables, routes.SPEC),
}
