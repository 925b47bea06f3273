from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsAppConfig(AppConfig):
    name = "cleannet.server.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")
