"""Every model has an admin a non-developer can open: list and add pages render for a superuser."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import SignatureFactory


@pytest.mark.django_db
def test_every_model_is_registered_and_its_admin_pages_open(admin_user, client):
    from django.apps import apps

    client.force_login(admin_user)
    SignatureFactory()
    for model in apps.get_app_config("letters").get_models():
        assert admin.site.is_registered(model), model
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:%s_%s_changelist" % info)).status_code == 200, model
