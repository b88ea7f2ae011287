from django.apps import AppConfig
from django.db.models.signals import post_migrate

from programmes.versions import (
    EVERY_PROGRAMME,
    ITSELF,
    OF_OBJECTIVES,
    Watch,
    installer,
    programme_of,
)

OF_RISKS = programme_of("governance_risk")

# The tables of this app a dashboard shows (programmes.versions, ADR 12): risks on the programme's
# heat map, boards in its filters (by name, on every programme linked to them).
WATCHES = (
    Watch("governance_risk", programmes=ITSELF),
    Watch("governance_riskreview", column="risk_id", programmes=OF_RISKS),
    Watch("governance_risk_mitigating_actions", column="risk_id", programmes=OF_RISKS),
    Watch("governance_board", column="id", programmes=EVERY_PROGRAMME, events=("UPDATE",)),
    Watch("governance_board_programmes", programmes=ITSELF),
    Watch("governance_board_objectives", column="objective_id", programmes=OF_OBJECTIVES),
)


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance, risks and assurance"

    def ready(self):
        post_migrate.connect(installer(WATCHES), sender=self, weak=False, dispatch_uid="governance.versions")
