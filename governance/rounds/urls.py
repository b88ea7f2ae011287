from django.urls import path

from . import views

urlpatterns = [
    path("rounds/", views.rounds, name="update_rounds"),
    path("rounds/<int:pk>/", views.update_round, name="update_round"),
    path("rounds/<int:pk>/remind/<int:person_id>/", views.update_round_remind, name="update_round_remind"),
]
