from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("training/", views.my_training, name="mine"),
    path("training/lessons/<int:pk>/", views.lesson_detail, name="lesson"),
    path("training/<slug:slug>/exam/", views.exam_start, name="exam-start"),
    path("training/attempts/<int:pk>/", views.attempt, name="attempt"),
    path(
        "training/attempts/<int:pk>/submit/",
        views.attempt_submit,
        name="attempt-submit",
    ),
    path("training/practice/", views.practice, name="practice"),
    path("training/team/", views.team, name="team"),
    path("training/calibration/", views.calibration_list, name="calibration-list"),
    path("training/calibration/<int:pk>/", views.calibration, name="calibration"),
]
