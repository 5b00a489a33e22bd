from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from geliat.api import programmes as programmes_api
from geliat.api import verification, views

app_name = "api"

router = DefaultRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("businesses", views.BusinessViewSet, basename="business")
router.register("registrations", views.RegistrationViewSet, basename="registration")
router.register("regions", views.RegionViewSet, basename="region")
router.register("verification/queue", verification.VerificationQueueViewSet, basename="verification-queue")
router.register("verification", verification.VerificationViewSet, basename="verification")
router.register("programmes", programmes_api.ProgrammeViewSet, basename="programme")
router.register("proposals", programmes_api.ProposalViewSet, basename="proposal")
router.register("enrolments", programmes_api.EnrolmentViewSet, basename="enrolment")
router.register("deliveries", programmes_api.DeliveryViewSet, basename="delivery")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
