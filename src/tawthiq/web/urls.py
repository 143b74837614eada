from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from tawthiq.web.api import api
from tawthiq.web.pages import claims, dashboard, documents, duplicates, organisations, persons, records, review

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(template_name="tawthiq/login.html", redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", dashboard.dashboard, name="dashboard"),
    path("documents/", documents.document_list, name="documents"),
    path("documents/<int:pk>/", documents.document_detail, name="document"),
    path("documents/<int:pk>/protect/", records.protect_document_view, name="protect-document"),
    path("review/", review.review_start, name="review"),
    path("review/document/<int:pk>/accept-all/", review.review_accept_document, name="review-accept-document"),
    path("review/<str:kind>/<int:pk>/", review.review_item, name="review-item"),
    path("review/<str:kind>/<int:pk>/<str:action>/", review.review_action, name="review-action"),
    path("persons/", persons.person_list, name="persons"),
    path("persons/<int:pk>/", persons.person_detail, name="person"),
    path("persons/<int:pk>/protect/", records.protect_person_view, name="protect-person"),
    path("persons/<int:pk>/split/", duplicates.person_split, name="person-split"),
    path("events/<int:pk>/", records.event_detail, name="event"),
    path("duplicates/", duplicates.duplicate_list, name="duplicates"),
    path("duplicates/<int:pk>/decide/", duplicates.duplicate_decide, name="duplicate-decide"),
    path("organisations/", organisations.organisation_tree, name="organisations"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation"),
    path("claims/", claims.claim_list, name="claims"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim"),
    path("history/<str:kind>/<int:pk>/", records.history, name="history"),
]
