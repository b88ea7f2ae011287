from django.urls import path

from . import views

urlpatterns = [
    path("my-actions/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("actions/<int:pk>/explanation/", views.action_explanation, name="action_explanation"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/values/", views.measure_record, name="measure_record"),
]
