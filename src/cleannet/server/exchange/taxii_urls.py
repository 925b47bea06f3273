"""``/taxii2/``: the TAXII 2.1 server (one API root, ``api1``)."""

from __future__ import annotations

from django.urls import path

from cleannet.server.exchange import taxii_views as views

app_name = "taxii"

_COLLECTION = "api1/collections/<str:collection_id>/"

urlpatterns = [
    path("", views.discovery, name="discovery"),
    path("api1/", views.api_root, name="api-root"),
    path("api1/collections/", views.collections, name="collections"),
    path(_COLLECTION, views.collection, name="collection"),
    path(_COLLECTION + "objects/", views.objects, name="objects"),
    path(_COLLECTION + "objects/<str:object_id>/", views.stix_object, name="object"),
    path(
        _COLLECTION + "objects/<str:object_id>/versions/",
        views.object_versions,
        name="object-versions",
    ),
    path(_COLLECTION + "manifest/", views.manifest, name="manifest"),
]
