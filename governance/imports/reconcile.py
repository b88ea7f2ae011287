"""Where a file states an objective's percent, the engine's figure beside it, if they differ.

Computed in memory from the plan (the programme as it will be after the import: what is there
now, with the file's changes on top) through programmes.rules, so the preview shows the same
differences the commit will. Compared as people see them: whole numbers, rounded half up.
"""

from datetime import date

from programmes import rules

from .layouts import ACTION, OBJECTIVE


def reconcile(plan_records: dict, existing, stated: dict, *, settings: rules.RollupSettings,
              as_at: date, ref_of) -> list[dict]:
    """`stated` is {objective key: (percent, source row)}; `ref_of(key)` names an objective."""
    if not stated:
        return []
    facts = final_tree(final_objectives(plan_records, existing), final_actions(plan_records, existing),
                       settings)
    computed = {}
    for node in rules.iter_results(rules.rollup_programme(facts, as_at=as_at)):
        if isinstance(node, rules.NodeResult) and node.kind == "objective":
            figure = node.calculated_percent if node.calculated_percent is not None else node.percent
            computed[node.key[1]] = rules.display_percent(figure)
    differences = []
    for key, (percent, row) in sorted(stated.items(), key=lambda item: item[1][1].order):
        if computed.get(key) != percent:
            differences.append({"ref": ref_of(key), "stated": percent, "computed": computed.get(key),
                                "sheet": row.sheet, "row": row.row})
    return differences


def final_objectives(records: dict, existing) -> dict:
    final = {}
    for key, row in existing.objectives.items():
        final[key] = {"ref": row["reference"], "parent": existing.objective_key(row["parent_id"]),
                      "weight": row["weight"], "manual": row["manual_percent"]}
    for key, record in records[OBJECTIVE].items():
        entry = final.setdefault(key, {"ref": record.ref, "parent": None, "weight": 1, "manual": None})
        entry["parent"] = record.links.get("parent_id", entry["parent"])
        entry["weight"] = record.values.get("weight", entry["weight"])
        entry["manual"] = record.values.get("manual_percent", entry["manual"])
    if any(_in_cycle(final, key) for key in final):
        for entry in final.values():
            entry["parent"] = None  # the plan already has an error for it; don't loop
    return final


def _in_cycle(final: dict, key: str) -> bool:
    seen, current = set(), final[key]["parent"]
    while current and current in final:
        if current == key or current in seen:
            return True
        seen.add(current)
        current = final[current]["parent"]
    return False


def final_actions(records: dict, existing) -> dict:
    final = {}
    for key, row in existing.actions.items():
        final[key] = {"ref": row["reference"], "objective": existing.objective_key(row["objective_id"]),
                      "status": row["status"], "percent": row["percent"], "weight": row["weight"],
                      "milestone": row["is_milestone"]}
    for key, record in records[ACTION].items():
        entry = final.setdefault(key, {"ref": record.ref, "objective": None, "status": "not_started",
                                       "percent": 0, "weight": 1, "milestone": False})
        entry["objective"] = record.links.get("objective_id", entry["objective"])
        entry["weight"] = record.values.get("weight", entry["weight"])
        entry["milestone"] = record.values.get("is_milestone", entry["milestone"])
        if record.progress is not None and record.progress["current"]:  # a back-dated one joins the history only
            entry["status"], entry["percent"] = record.progress["status"], record.progress["percent"]
    return {key: entry for key, entry in final.items() if entry["objective"] is not None}


def final_tree(objectives: dict, actions: dict, settings: rules.RollupSettings) -> rules.ProgrammeFacts:
    children = {}
    for key, objective in objectives.items():
        children.setdefault(objective["parent"], []).append((OBJECTIVE, key))
    for key, action in actions.items():
        children.setdefault(action["objective"], []).append((ACTION, key))

    def facts(kind: str, key: str):
        if kind == ACTION:
            a = actions[key]
            return rules.ActionFacts(key=(ACTION, key), ref=a["ref"], status=rules.Status(a["status"]),
                                     percent=float(a["percent"]), milestone=a["milestone"],
                                     weight=float(a["weight"]))
        o = objectives[key]
        return rules.ObjectiveFacts(
            key=(OBJECTIVE, key), ref=o["ref"], weight=float(o["weight"]),
            manual_percent=None if o["manual"] is None else float(o["manual"]),
            children=tuple(facts(*child) for child in children.get(key, ())),
        )

    return rules.ProgrammeFacts(key=("programme", None), ref="", settings=settings,
                                children=tuple(facts(*child) for child in children.get(None, ())))
