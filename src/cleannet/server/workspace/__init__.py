"""Each organisation's workspace: what an ISP operator or a member works on, in one place.

Read-only pages (``views``) built from the owning apps' data: ``isp_workspace``,
``member_workspace`` and ``authority_workspace`` return plain dataclasses.
"""
