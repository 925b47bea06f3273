from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesAppConfig(AppConfig):
    name = "cleannet.server.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # The node cannot import notices (it sits below it); notices hands the node the
        # function that counts its warnings, which the node sends to the hub with its counts.
        from cleannet.server.node.outgoing import provide_notice_counts
        from cleannet.server.notices.counts import outgoing_notice_counts

        provide_notice_counts(outgoing_notice_counts)
