from django.urls import path

from . import views as pages
from .imports import views

# "import" is the name the site navigation looks for (programmes/templatetags/ui.py).
urlpatterns = [
    path("imports/", views.import_list, name="import"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_run, name="import_run"),
    path("imports/<int:pk>/columns/", views.import_run_mapping, name="import_run_mapping"),
    path("imports/<int:pk>/choices/", views.import_run_choices, name="import_run_choices"),
    path("imports/<int:pk>/import/", views.import_run_commit, name="import_run_commit"),
    # "boards" and "risks" are in the site navigation too.
    path("boards/", pages.boards, name="boards"),
    path("boards/new/", pages.board_edit, name="board_new"),
    path("boards/<int:pk>/", pages.board_detail, name="board"),
    path("boards/<int:pk>/edit/", pages.board_edit, name="board_edit"),
    path("boards/<int:pk>/members/new/", pages.membership_edit, name="membership_new"),
    path("boards/<int:pk>/members/<int:membership_id>/", pages.membership_edit, name="membership_edit"),
    path("boards/<int:pk>/members/<int:membership_id>/remove/", pages.membership_remove, name="membership_remove"),
    path("boards/<int:pk>/meetings/new/", pages.meeting_edit, name="meeting_new"),
    path("boards/<int:pk>/meetings/<int:meeting_id>/", pages.meeting_edit, name="meeting_edit"),
    path("risks/", pages.risk_register_all, name="risks"),
    # "risk_list": the programme dashboard's heat map links here (it was the dashboards' own list).
    path("programmes/<int:pk>/risks/", pages.risk_register, name="risk_list"),
    path("risks/<int:pk>/", pages.risk_detail, name="risk"),
    path("risks/<int:pk>/review/", pages.risk_review, name="risk_review"),
    path("programmes/<int:pk>/assurance/", pages.assurance_matrix, name="assurance_matrix"),
]
