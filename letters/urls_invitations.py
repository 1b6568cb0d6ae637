"""Coordinator URLs of the outreach area (behind login): invitations, the campaign view, contacts."""

from django.urls import path

from letters.views import invitations

app_name = "invitations"

urlpatterns = [
    path("letters/<slug:slug>/invite/", invitations.invite, name="invite"),
    path("letters/<slug:slug>/campaign/", invitations.campaign, name="campaign"),
    path("letters/<slug:slug>/campaign/settings/", invitations.outreach_settings, name="settings"),
    path("letters/<slug:slug>/campaign/retry/", invitations.retry_failed, name="retry"),
    path("organisations/<int:pk>/contacts/", invitations.contacts, name="contacts"),
    path("organisations/<int:pk>/contacts/<int:contact_pk>/toggle/", invitations.contact_toggle, name="contact_toggle"),
    path(
        "organisations/<int:pk>/contacts/<int:contact_pk>/resubscribe/", invitations.contact_resubscribe,
        name="contact_resubscribe",
    ),
]
