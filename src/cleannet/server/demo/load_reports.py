"""Demo reports: a few of each kind, filed through the report channel's services, once.

Only ``.example`` domains and documentation addresses; the status secrets are discarded
(the demo's reports are followed from the triage queue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from cleannet.server.accounts.models import Organisation
from cleannet.server.accounts.roles import OrganisationKind
from cleannet.server.reports import services
from cleannet.server.reports.models import Report

_NAME, _EMAIL = "Nguyễn Văn An", "an.nguyen@demo.example"
REPORTS = [
    services.NewReport(
        "phishing",
        "Trang đăng nhập ngân hàng giả",
        "SMS báo khoá tài khoản, dẫn tới trang này.",
        target_url="http://vietcombank-xacthuc.example/login",
        reporter_name=_NAME,
        reporter_email=_EMAIL,
    ),
    services.NewReport(
        "phishing",
        "Fake bank login",
        "An e-mail asked me to confirm my OTP.",
        target_url="https://vietcombank-xacthuc.example/otp",
        language="en",
    ),
    services.NewReport(
        "phishing",
        "Shop giả bán hàng giảm giá",
        "Đã chuyển khoản nhưng không nhận được hàng.",
        target_url="http://shopee-sale.example/",
        reporter_name=_NAME,
        reporter_email=_EMAIL,
    ),
    services.NewReport(
        "malware",
        "Máy tính chạy chậm, quảng cáo lạ",
        "Trình duyệt tự mở trang cờ bạc.",
        target_ip="203.0.113.45",
        keep_confidential=True,
    ),
    services.NewReport(
        "malware",
        "Điện thoại cài ứng dụng lạ",
        "Ứng dụng 'Dịch vụ công' tải từ đường link SMS.",
        target_url="http://dichvucong-gov.example/app.apk",
    ),
    services.NewReport(
        "data_leak",
        "Danh sách khách hàng bị rao bán",
        "Một diễn đàn đăng bán dữ liệu khách hàng.",
        target_domain="shop.example",
        target_url="http://forum.example/thread/123",
        reporter_name=_NAME,
        reporter_email=_EMAIL,
    ),
    services.NewReport(
        "vulnerability",
        "Lỗi lộ thư mục trên cổng thông tin",
        "Thư mục /backup liệt kê được.",
        target_url="http://portal.demo.example/backup/",
    ),
]


def _incident(now: dt.datetime) -> services.NewReport:
    details = services.IncidentInput(
        organisation_name="Demo Bank",
        organisation_address="1 Tràng Tiền, Hà Nội",
        organisation_phone="024 3999 9999",
        organisation_email="soc@bank.demo.example",
        system_name="Internet Banking",
        detected_at=now - dt.timedelta(hours=5),
        contact_name="Trần Thị Bình",
        contact_position="Trưởng phòng An ninh",
        system_operator="Phòng CNTT",
        system_classification="3",
        current_status="Đã cô lập máy chủ.",
        operating_systems="Ubuntu 22.04",
        ip_addresses="203.0.113.10\n203.0.113.11",
        domains="ebank.demo.example",
        system_purpose="Giao dịch trực tuyến",
    )
    return services.NewReport(
        "incident",
        "Tấn công từ chối dịch vụ",
        "Lưu lượng bất thường vào cổng giao dịch.",
        keep_confidential=True,
        incident=details,
    )


def load_reports(orgs: Mapping[str, Organisation], now: dt.datetime | None = None) -> int:
    """File the demo reports when there are none yet; return how many were filed."""
    if Report.objects.exists():
        return 0
    now = now or timezone.now()
    bank = next((o for o in orgs.values() if o.kind == OrganisationKind.BANK), None)
    for n, data in enumerate(REPORTS):
        services.file_report(None, data, now=now - dt.timedelta(days=n, hours=n))
    services.file_report(None, _incident(now), bank, now=now)
    return len(REPORTS) + 1
