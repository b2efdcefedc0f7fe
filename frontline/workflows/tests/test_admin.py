import pytest
from django.test import Client

from frontline.workflows.models import Integration

pytestmark = pytest.mark.django_db


def test_the_admin_configures_an_integration_and_keeps_its_secret(admin_user):
    client = Client()
    client.force_login(admin_user)
    form = {
        "name": "Shop", "slug": "shop", "base_url": "https://shop.example/api",
        "auth_header": "X-Key", "secret": "s3cret", "timeout_s": "2", "is_active": "on",
    }  # fmt: skip

    refused = client.post(
        "/admin/workflows/integration/add/", form | {"base_url": "ftp://x"}, follow=True
    )
    added = client.post("/admin/workflows/integration/add/", form)
    integration = Integration.objects.get()
    changed = client.post(
        f"/admin/workflows/integration/{integration.pk}/change/",
        form | {"secret": "", "name": "Store"},
    )
    page = client.get(f"/admin/workflows/integration/{integration.pk}/change/")

    assert "The base URL starts with http://, https:// or /" in refused.content.decode()
    assert (added.status_code, changed.status_code) == (302, 302)
    integration.refresh_from_db()
    assert (integration.name, integration.secret) == ("Store", "s3cret")
    assert "s3cret" not in page.content.decode()
