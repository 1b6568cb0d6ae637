from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Joint letters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Coordinator notifications listen to sign-on signals.
        from letters import receivers  # noqa: F401
