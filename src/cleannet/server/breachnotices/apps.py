from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreachNoticesConfig(AppConfig):
    name = "cleannet.server.breachnotices"
    label = "breachnotices"
    verbose_name = _("Breach notices")
