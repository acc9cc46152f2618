from django.urls import path

from zhifa.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list_view, name="list"),
    path("batch/", views.batch_view, name="batch"),
    path("jobs/<str:pk>/", views.job_view, name="job"),
    path("jobs/<str:pk>/progress/", views.job_progress_view, name="job_progress"),
    path("case/<int:pk>/", views.case_documents_view, name="case"),
    path("case/<int:pk>/issue/", views.issue_view, name="issue"),
    path("case/<int:pk>/prepare/", views.prepare_view, name="prepare"),
    path("<uuid:pk>/", views.detail_view, name="detail"),
    path("<uuid:pk>/void/", views.void_view, name="void"),
    path("<uuid:pk>/<str:fmt>/", views.download_view, name="download"),
]
