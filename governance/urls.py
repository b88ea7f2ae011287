from django.urls import path

from .imports import views

# "import" is the name the site navigation looks for (programmes/templatetags/ui.py).
urlpatterns = [
    path("imports/", views.import_list, name="import"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_run, name="import_run"),
    path("imports/<int:pk>/columns/", views.import_run_mapping, name="import_run_mapping"),
    path("imports/<int:pk>/choices/", views.import_run_choices, name="import_run_choices"),
    path("imports/<int:pk>/import/", views.import_run_commit, name="import_run_commit"),
]
