"""Who may see and change governance's records. Every view calls these itself.

Leadership, programme managers, admins and clerks read boards and risk registers. Admins (the
programme office) set boards up. A risk's owner, the managers of its programme and admins record
its reviews; the managers of a programme and admins keep its assurance matrix.
"""

from programmes.models import Programme
from programmes.permissions import deny, person_id_for, require_reader, signed_in_and
from programmes.roles import ADMIN, PROGRAMME_MANAGER, has_role

reader_required = signed_in_and(require_reader)


def manages(user, programme_id: int) -> bool:
    """A programme manager of this programme (one query), or an admin."""
    if has_role(user, ADMIN):
        return True
    person_id = person_id_for(user)
    if person_id is None or not has_role(user, PROGRAMME_MANAGER):
        return False
    return Programme.managers.through.objects.filter(programme_id=programme_id, person_id=person_id).exists()


def can_edit_boards(user) -> bool:
    return has_role(user, ADMIN)


def require_board_editor(request) -> None:
    if not can_edit_boards(request.user):
        deny(request, "boards, their members and meetings are set up by admins")


board_editor_required = signed_in_and(require_board_editor)


def can_review_risk(user, risk) -> bool:
    person_id = person_id_for(user)
    if person_id is not None and risk.owner_id == person_id:
        return True
    return manages(user, risk.programme_id)


def require_risk_review(request, risk) -> None:
    if not can_review_risk(request.user, risk):
        deny(request, f"may not review risk {risk.reference}: only its owner, its programme's managers and admins")


def require_assurance_editor(request, programme_id: int) -> None:
    if not manages(request.user, programme_id):
        deny(request, "the assurance matrix is kept by the programme's managers and admins")
