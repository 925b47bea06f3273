from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "cleannet.server.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from cleannet.server.encyclopedia.models import Advisory
        from cleannet.server.portal.views import forget_home_pages

        # The cached home page shows the current warnings: a change to one drops it here.
        post_save.connect(forget_home_pages, sender=Advisory, dispatch_uid="portal-home-save")
        post_delete.connect(forget_home_pages, sender=Advisory, dispatch_uid="portal-home-delete")
