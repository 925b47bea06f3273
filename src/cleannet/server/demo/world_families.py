"""The malware families of the demo world: real names, kinds and aliases.

The names, aliases and one-sentence descriptions are real (the families are public
knowledge and feeds use these names), so analysts see what they will see in production.
"""

from __future__ import annotations

from cleannet.server.demo.world_model import DemoFamily

# (name, kind, aliases, Vietnamese, English)
_FAMILIES: tuple[tuple[str, str, tuple[str, ...], str, str], ...] = (
    ("Mirai", "botnet", (),
     "Botnet nhắm vào thiết bị IoT chạy Linux (camera IP, bộ định tuyến), lây lan bằng cách "
     "đăng nhập Telnet với mật khẩu mặc định và dùng cho các cuộc tấn công DDoS lớn; mã nguồn "
     "bị công bố năm 2016.",
     "A botnet of Linux IoT devices (IP cameras, routers) that spreads by logging in over Telnet "
     "with default passwords and launches large DDoS attacks; its source code leaked in 2016."),
    ("Mozi", "botnet", (),
     "Botnet IoT ngang hàng dựa trên DHT của BitTorrent và mã nguồn Mirai, Gafgyt, lây qua mật "
     "khẩu Telnet yếu và lỗ hổng bộ định tuyến; phần lớn bị vô hiệu hóa bằng một lệnh tắt "
     "năm 2023.",
     "A peer-to-peer IoT botnet built on the BitTorrent DHT and on Mirai and Gafgyt code, "
     "spreading through weak Telnet passwords and router exploits; a kill switch shut most of "
     "it down in 2023."),
    ("Gafgyt", "botnet", ("Bashlite", "Lizkebab", "Torlus"),
     "Botnet IoT lâu đời, còn gọi là Bashlite, lây nhiễm thiết bị Linux bằng dò mật khẩu Telnet "
     "và khai thác lỗ hổng như Shellshock để tấn công DDoS.",
     "An older IoT botnet, also called Bashlite, that infects Linux devices by guessing Telnet "
     "passwords and exploiting flaws such as Shellshock, and uses them for DDoS attacks."),
    ("Emotet", "botnet", ("Heodo", "Geodo"),
     "Trojan ngân hàng trở thành botnet phát tán mã độc qua tệp đính kèm e-mail, cài thêm "
     "Qakbot, TrickBot và mã độc tống tiền; bị triệt phá đầu năm 2021 rồi trở lại cuối năm đó.",
     "A banking trojan turned malware-delivery botnet spread by malicious e-mail attachments, "
     "installing Qakbot, TrickBot and ransomware; taken down early in 2021, back late that year."),
    ("Qakbot", "banking_trojan", ("QBot", "Pinkslipbot", "QuakBot"),
     "Trojan ngân hàng trên Windows hoạt động từ năm 2007, đánh cắp thông tin đăng nhập và mở "
     "đường cho các nhóm mã độc tống tiền; hạ tầng bị triệt phá trong chiến dịch Duck Hunt "
     "tháng 8/2023.",
     "A Windows banking trojan active since 2007 that steals credentials and opened the door "
     "for ransomware gangs; its infrastructure was dismantled by Operation Duck Hunt in "
     "August 2023."),
    ("AgentTesla", "infostealer", ("Agent Tesla",),
     "Phần mềm gián điệp và ghi phím viết bằng .NET, bán theo dạng dịch vụ, đánh cắp mật khẩu "
     "từ trình duyệt, ứng dụng e-mail và FTP rồi gửi ra ngoài qua SMTP, FTP hoặc Telegram.",
     "A .NET spyware and keylogger sold as a service that steals passwords from browsers, "
     "e-mail and FTP clients and sends them out over SMTP, FTP or Telegram."),
    ("Formbook", "infostealer", ("XLoader",),
     "Mã độc đánh cắp thông tin bán theo dạng dịch vụ từ năm 2016, thu dữ liệu biểu mẫu web, "
     "phím gõ và bộ nhớ tạm; phiên bản kế tiếp XLoader chạy được cả trên macOS.",
     "An infostealer sold as a service since 2016 that grabs web form data, keystrokes and "
     "clipboard contents; its successor XLoader also runs on macOS."),
    ("RedLine", "infostealer", ("RedLine Stealer",),
     "Mã độc đánh cắp thông tin bán rộng rãi, lấy mật khẩu lưu trong trình duyệt, cookie, thẻ "
     "tín dụng và ví tiền mã hóa; máy chủ bị thu giữ trong chiến dịch Magnus tháng 10/2024.",
     "A widely sold infostealer that takes saved browser passwords, cookies, payment cards and "
     "cryptocurrency wallets; its servers were seized by Operation Magnus in October 2024."),
    ("Lumma", "infostealer", ("LummaC2", "Lumma Stealer"),
     "Mã độc đánh cắp thông tin dạng dịch vụ, phát tán qua phần mềm bẻ khóa giả và trang "
     "CAPTCHA giả, lấy dữ liệu trình duyệt và ví tiền mã hóa; tên miền bị thu giữ tháng 5/2025.",
     "A malware-as-a-service infostealer spread through fake software cracks and fake CAPTCHA "
     "pages that steals browser data and crypto wallets; its domains were seized in May 2025."),
    ("njRAT", "rat", ("Bladabindi",),
     "Trojan truy cập từ xa viết bằng .NET, phổ biến ở Trung Đông và châu Á từ năm 2012, ghi "
     "phím gõ, chiếm quyền webcam và lây qua ổ USB.",
     "A .NET remote access trojan, common in the Middle East and Asia since 2012, that logs "
     "keystrokes, takes over the webcam and spreads through USB drives."),
    ("AsyncRAT", "rat", (),
     "Công cụ truy cập từ xa mã nguồn mở viết bằng .NET, công bố trên GitHub năm 2019 và bị "
     "lạm dụng rộng rãi để điều khiển máy nạn nhân qua kết nối mã hóa.",
     "An open-source .NET remote access tool published on GitHub in 2019 and widely abused to "
     "control victims' computers over encrypted connections."),
    ("Cobalt Strike", "c2_framework", ("BEACON", "cobeacon"),
     "Bộ công cụ kiểm thử xâm nhập thương mại; bản bẻ khóa của mã cấy Beacon là công cụ điều "
     "khiển (C2) ưa thích của các nhóm mã độc tống tiền và gián điệp.",
     "A commercial penetration-testing framework whose Beacon implant, in cracked copies, is a "
     "favourite command-and-control tool of ransomware and espionage groups."),
    ("Remcos", "rat", ("RemcosRAT",),
     "Công cụ quản trị từ xa do Breaking Security bán, bị lạm dụng làm RAT, thường phát tán qua "
     "tài liệu lừa đảo và cho phép kiểm soát hoàn toàn máy Windows.",
     "A remote administration tool sold by Breaking Security and abused as a RAT, usually "
     "delivered by phishing documents, that gives full control of Windows machines."),
    ("IcedID", "banking_trojan", ("BokBot",),
     "Trojan ngân hàng xuất hiện năm 2017, chèn mã vào trình duyệt để lấy thông tin đăng nhập "
     "ngân hàng, về sau chủ yếu dùng để tải mã độc tống tiền.",
     "A banking trojan first seen in 2017 that injects into browsers to steal banking "
     "credentials and later served mainly as a loader for ransomware."),
    ("Dridex", "banking_trojan", ("Bugat", "Cridex"),
     "Trojan ngân hàng do nhóm Evil Corp vận hành từ năm 2014, đánh cắp thông tin ngân hàng "
     "trực tuyến qua tài liệu Office chứa macro độc hại.",
     "A banking trojan run by the Evil Corp group since 2014 that steals online-banking "
     "credentials through Office documents with malicious macros."),
    ("XMRig", "miner", (),
     "Phần mềm đào Monero mã nguồn mở, bị tội phạm cài lên máy chủ và thiết bị bị xâm nhập để "
     "đào tiền mã hóa bằng bộ xử lý của nạn nhân.",
     "An open-source Monero miner that criminals install on compromised servers and devices to "
     "mine cryptocurrency with the victim's processor."),
    ("LockBit", "ransomware", ("LockBit Black", "LockBit 3.0"),
     "Mã độc tống tiền dạng dịch vụ, hoạt động mạnh nhất từ 2022 đến đầu 2024, mã hóa và lấy "
     "cắp dữ liệu để tống tiền kép; bị triệt phá trong chiến dịch Cronos tháng 2/2024.",
     "A ransomware-as-a-service operation, the most active from 2022 to early 2024, that "
     "encrypts and steals data for double extortion; disrupted by Operation Cronos in "
     "February 2024."),
    ("Vidar", "infostealer", ("Vidar Stealer",),
     "Mã độc đánh cắp thông tin phát triển từ Arkei, bán từ năm 2018, lấy dữ liệu trình duyệt, "
     "ví tiền mã hóa và mã xác thực hai lớp, và có thể tải thêm mã độc khác.",
     "An infostealer derived from Arkei and sold since 2018 that steals browser data, crypto "
     "wallets and two-factor codes and can download further malware."),
    ("SmokeLoader", "loader", ("Dofoil", "Sharik"),
     "Trình tải nhỏ dạng mô-đun bán từ năm 2011, cài thêm mã độc khác lên máy Windows bị nhiễm, "
     "thường phát tán qua phần mềm bẻ khóa giả.",
     "A small modular loader sold since 2011 that installs other malware on infected Windows "
     "machines, often spread through fake software cracks."),
)  # fmt: skip


_IOT = ("Mirai", "Mozi", "Gafgyt")
_PLATFORMS: dict[str, tuple[str, ...]] = {
    "Formbook": ("windows", "macos"),
    "XMRig": ("linux", "windows"),
    "LockBit": ("windows", "linux"),
}


def _platforms(name: str) -> tuple[str, ...]:
    if name in _IOT:
        return ("linux",)
    return _PLATFORMS.get(name, ("windows",))


def demo_families() -> tuple[DemoFamily, ...]:
    """Return the families, in a fixed order (the same for every seed)."""
    return tuple(
        DemoFamily(name, kind, aliases, _platforms(name), vi, en)
        for name, kind, aliases, vi, en in _FAMILIES
    )


def malware_name(family: str) -> str:
    """Return the ``malware.name`` feeds write for ``family``: IntelMQ lower-cases it."""
    return family.lower()
