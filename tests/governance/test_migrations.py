"""Migration governance 0004 gives every risk already recorded a first review of its values, dated the
day its record was first audited (else today)."""

from datetime import UTC, date, datetime

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The audit trail as it stood then too: before it was made append-only (programmes 0010), so the test can
# date an entry in the past.
BEFORE = [("governance", "0003_period_to_programmes"), ("programmes", "0009_person_left_on")]
AFTER = [("governance", "0004_risk_review")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_risk_gets_a_first_review_of_its_values():
    old = migrate(BEFORE)
    try:
        programme = old.get_model("programmes", "Programme").objects.create(name="ASC", short_name="ASC")
        risk = old.get_model("governance", "Risk")
        audited = risk.objects.create(programme=programme, reference="R1", title="Demand", current_likelihood=4,
                                      current_impact=5, review_date=date(2024, 9, 30))
        unaudited = risk.objects.create(programme=programme, reference="R2", title="Budget")
        entry = old.get_model("programmes", "AuditEntry").objects.create(
            channel="import", action="created", model="governance.risk", object_id=str(audited.pk),
            object_repr="R1 Demand", changes={})
        old.get_model("programmes", "AuditEntry").objects.filter(pk=entry.pk).update(
            at=datetime(2024, 5, 1, 12, tzinfo=UTC))

        new = migrate(AFTER)

        reviews = {r.risk_id: r for r in new.get_model("governance", "RiskReview").objects.all()}
        assert set(reviews) == {audited.pk, unaudited.pk}
        first = reviews[audited.pk]
        assert (first.reviewed_on, first.current_likelihood, first.current_impact, first.review_date) == (
            date(2024, 5, 1), 4, 5, date(2024, 9, 30))
        assert reviews[unaudited.pk].reviewed_on == timezone.localdate()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        # As `migrate` does after migrating: the figures versions' triggers (programmes.versions) among others.
        emit_post_migrate_signal(0, False, connection.alias)
