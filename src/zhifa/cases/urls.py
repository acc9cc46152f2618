from django.urls import path

from zhifa.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("new/", views.case_create_view, name="create"),
    path("lookup/party/", views.party_lookup, name="party_lookup"),
    path("lookup/facts/", views.facts_form, name="facts_form"),
    path("<int:pk>/", views.case_detail_view, name="detail"),
    path("<int:pk>/act/<str:action>/", views.case_action_view, name="act"),
    path("<int:pk>/assess/", views.case_assess_view, name="assess"),
    path("<int:pk>/records/<str:kind>/", views.case_record_view, name="record"),
    path("<int:pk>/records/<str:kind>/<int:seq>/", views.case_record_amend_view, name="record_amend"),
    path("<int:pk>/evidence/", views.evidence_upload_view, name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_id>/file/", views.evidence_file_view, name="evidence_file"),
    path("<int:pk>/evidence/<int:evidence_id>/thumb/", views.evidence_thumb_view, name="evidence_thumb"),
    path("<int:pk>/evidence/<int:evidence_id>/verify/", views.evidence_verify_view, name="evidence_verify"),
]
