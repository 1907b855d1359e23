from django.urls import path

from . import views

urlpatterns = [
    path("payments", views.pay),
    path("payments/<str:reference>", views.look_up),
    path("payments/<str:reference>/refund", views.refund),
]
