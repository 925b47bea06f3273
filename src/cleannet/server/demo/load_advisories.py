"""The demo's alerts and news: three advisories the demo analyst published, linked to the
demo world's families. Idempotent like the rest of the demo (found again by English title).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cleannet.server.accounts.models import User
from cleannet.server.encyclopedia.models import Advisory
from cleannet.server.encyclopedia.services import publish_advisory
from cleannet.server.intel.services import resolve_families

# (days ago, severity, families, title vi, title en, summary vi, summary en)
ADVISORIES: tuple[tuple[int, str, tuple[str, ...], str, str, str, str], ...] = (
    (2, "severe", ("Lumma", "RedLine"),
     "Cảnh báo trang CAPTCHA giả yêu cầu dán lệnh vào máy tính",
     "Warning: fake CAPTCHA pages that ask you to paste a command",
     "Các trang web giả yêu cầu người dùng nhấn Windows+R và dán một lệnh để \"xác minh không phải "
     "robot\"; lệnh này cài mã độc đánh cắp mật khẩu. Không bao giờ dán lệnh theo hướng dẫn của "
     "một trang web.",
     "Fake websites ask visitors to press Windows+R and paste a command to \"prove they are not a "
     "robot\"; the command installs password-stealing malware. Never paste a command a website "
     "tells you to."),
    (6, "high", ("Mirai", "Gafgyt"),
     "Camera và đầu ghi hình dùng mật khẩu mặc định đang bị chiếm quyền",
     "Cameras and video recorders with default passwords are being taken over",
     "Số thiết bị IoT nhiễm botnet tăng trong tuần qua. Hãy đổi mật khẩu mặc định, cập nhật "
     "firmware và tắt Telnet trên camera, đầu ghi hình, bộ định tuyến.",
     "The number of IoT devices in botnets rose last week. Change default passwords, update the "
     "firmware and turn off Telnet on cameras, video recorders and routers."),
    (12, "medium", ("Emotet",),
     "E-mail giả hóa đơn điện tử kèm tệp nén độc hại",
     "Fake e-invoice e-mails with malicious archives",
     "Thư giả mạo thông báo hóa đơn điện tử kèm tệp nén chứa mã độc. Kiểm tra địa chỉ người gửi "
     "và không mở tệp đính kèm bất ngờ.",
     "E-mails posing as e-invoice notices carry archives holding malware. Check the sender's "
     "address and do not open unexpected attachments."),
)  # fmt: skip


def load_advisories(author: User | None, now: dt.datetime | None = None) -> int:
    """Publish the demo advisories not published yet; return how many were published."""
    now = now or timezone.now()
    created = 0
    for days, severity, names, title_vi, title_en, summary_vi, summary_en in ADVISORIES:
        if Advisory.objects.filter(title_en=title_en).exists():
            continue
        families = resolve_families(names).values()
        publish_advisory(
            author, title_vi=title_vi, title_en=title_en, summary_vi=summary_vi,
            summary_en=summary_en, severity=severity, families=families,
            published_at=now - dt.timedelta(days=days),
        )  # fmt: skip
        created += 1
    return created
