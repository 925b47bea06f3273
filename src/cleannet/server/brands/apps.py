from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandsAppConfig(AppConfig):
    name = "cleannet.server.brands"
    label = "brands"
    verbose_name = _("Brand protection")
