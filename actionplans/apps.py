from django.apps import AppConfig
from django.db.models.signals import post_migrate

from programmes.versions import ITSELF, OF_OBJECTIVES, Watch, installer, programme_of

OF_ACTIONS = programme_of("actionplans_action")
# A measure shows on its programme's page and on the pages of the programmes of its objectives.
OF_MEASURES = (
    "SELECT programme_id AS pid FROM actionplans_measure WHERE id IN ({ids}) "
    "UNION SELECT o.programme_id FROM actionplans_measure_objectives mo "
    "JOIN programmes_objective o ON o.id = mo.objective_id WHERE mo.measure_id IN ({ids})"
)

# The tables of this app a dashboard shows (programmes.versions, ADR 12).
WATCHES = (
    # An action's present state: a past date's comes from its progress updates (rollup.history_as_at).
    Watch("actionplans_action", programmes=ITSELF,
          present=("status", "percent", "declared_rag", "declared_rag_reason", "last_updated_on", "computed_rag",
                   "version", "updated_at")),
    Watch("actionplans_progressupdate", column="action_id", programmes=OF_ACTIONS, present_from="effective_date"),
    Watch("actionplans_action_leads", column="action_id", programmes=OF_ACTIONS),
    Watch("actionplans_action_delegates", column="action_id", programmes=OF_ACTIONS),
    Watch("actionplans_measure", column="id", programmes=OF_MEASURES),
    Watch("actionplans_measure_objectives", column="objective_id", programmes=OF_OBJECTIVES),
    Watch("actionplans_measuretarget", column="measure_id", programmes=OF_MEASURES),
    Watch("actionplans_measurevalue", column="measure_id", programmes=OF_MEASURES),
)


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Actions and measures"

    def ready(self):
        post_migrate.connect(installer(WATCHES), sender=self, weak=False, dispatch_uid="actionplans.versions")
