from django.urls import path

from zhifa.web import views

app_name = "agencies"
urlpatterns = [path("", views.agencies, name="list")]
