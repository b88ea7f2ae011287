from django.urls import path

from . import setup_views as views

# Included under manage/ (config/urls.py), beside programmes.urls (people).
urlpatterns = [
    path("", views.setup_home, name="setup_home"),
    path("programmes/new/", views.programme_new, name="setup_programme_new"),
    path("programmes/<int:pk>/", views.programme_setup, name="setup_programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="setup_programme_edit"),
    path("programmes/<int:pk>/objectives/new/", views.objective_new, name="setup_objective_new"),
    path("programmes/<int:pk>/measures/new/", views.measure_new, name="setup_measure_new"),
    path("objectives/<int:pk>/", views.objective_edit, name="setup_objective_edit"),
    path("objectives/<int:pk>/move/", views.objective_move_view, name="setup_objective_move"),
    path("objectives/<int:pk>/reorder/", views.objective_reorder_view, name="setup_objective_reorder"),
    path("objectives/<int:pk>/delete/", views.objective_delete_view, name="setup_objective_delete"),
    path("objectives/<int:pk>/actions/new/", views.action_new, name="setup_action_new"),
    path("actions/<int:pk>/", views.action_edit, name="setup_action_edit"),
    path("actions/<int:pk>/move/", views.action_move_view, name="setup_action_move"),
    path("actions/<int:pk>/delete/", views.action_delete_view, name="setup_action_delete"),
    path("measures/<int:pk>/", views.measure_edit, name="setup_measure_edit"),
    path("measures/<int:pk>/targets/", views.measure_targets, name="setup_measure_targets"),
    path("people/<int:pk>/actions/", views.person_actions, name="person_actions"),
]
