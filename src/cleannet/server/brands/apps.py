from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class BrandsAppConfig(AppConfig):
    name = "cleannet.server.brands"
    label = "brands"
    verbose_name = _("Brand protection")

    def ready(self) -> None:
        from cleannet.server.brands.models import Brand, OfficialDomain
        from cleannet.server.brands.services import forget_registry_fingerprint

        # The scorer follows the registry: a change made in this process reaches it at once.
        for model in (Brand, OfficialDomain):
            for signal, what in ((post_save, "save"), (post_delete, "delete")):
                uid = f"brands-scorer-{model.__name__}-{what}"
                signal.connect(forget_registry_fingerprint, sender=model, dispatch_uid=uid)
