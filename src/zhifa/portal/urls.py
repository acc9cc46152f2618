from django.urls import path

from zhifa.portal import views

app_name = "portal"
urlpatterns = [
    path("v/<str:document_id>/<str:signature>/", views.verify, name="verify"),
    path("v/<str:document_id>/<str:signature>/rate/", views.rate, name="rate"),
    path("law/<str:code>/", views.law, name="law"),
]
