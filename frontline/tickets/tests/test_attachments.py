"""Attachments from every inbound path, whatever their declared type and name, and the
API's error shape for requests Django itself refuses (too large, malformed, no route)."""

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from frontline.core.actors import Actor
from frontline.core.errors import ValidationFailed
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Attachment

BAD_TYPES = ["text/html\r\nX-Injected: 1", "text/plain\n", "image/png\x00", "no-slash", "a/b c"]
ODD_NAMES = [")", "()", "..", ".", "\r\n", "a\nb", "/", "\\", '"', "%00", "ü.pdf", " ", "<>:*?"]


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ticket(customer, team):
    return factories.make_ticket(customer=customer, team=team, subject="Scanner")


def attachment_in(content=b"hello", **fields):
    return {"filename": "a.txt", "content_base64": base64.b64encode(content).decode(), **fields}


def new_ticket(attachments):
    return {"subject": "Scan", "body": "See file.", "customer": {"email": "c@example.test"}} | {
        "attachments": attachments
    }


@pytest.mark.parametrize("content_type", BAD_TYPES)
def test_the_api_refuses_a_content_type_that_is_not_a_media_type(
    agent, ticket, api_as, content_type
):
    api = api_as(agent)
    item = attachment_in(content_type=content_type)

    created = api.post("/api/v1/tickets", new_ticket([attachment_in(), item]))
    replied = api.post(f"/api/v1/tickets/{ticket.pk}/replies", {"body": "x", "attachments": [item]})

    assert (created.status_code, created.json()["field"]) == (422, "attachments.1.content_type")
    assert (replied.status_code, replied.json()["field"]) == (422, "attachments.0.content_type")
    assert Attachment.objects.count() == 0


def test_the_api_takes_media_types_with_parameters(agent, api_as):
    item = attachment_in(content_type='text/plain; charset="utf-8"; format=flowed')

    response = api_as(agent).post("/api/v1/tickets", new_ticket([item]))

    assert response.status_code == 201
    assert Attachment.objects.get().content_type == 'text/plain; charset="utf-8"; format=flowed'


def test_the_service_refuses_a_bad_content_type_from_any_caller(ticket, agent):
    bad = services.NewAttachment(filename="x.txt", content=b"x", content_type="text/plain\r\n")

    with pytest.raises(ValidationFailed) as refused:
        services.add_note(ticket, body="x", actor=Actor.for_user(agent), attachments=[bad])

    assert refused.value.field == "attachments.0.content_type"


def test_uploads_with_a_type_the_browser_got_wrong_are_kept_with_a_guessed_type(
    ticket, agent, customer
):
    """Workspace and portal: the person uploading cannot fix a declared type, so a bad one
    is replaced by the type the file name says."""
    workspace = SimpleUploadedFile("log.txt", b"line 1\n", content_type="text plain")
    portal = SimpleUploadedFile("photo.png", b"\x89PNG", content_type="image/png junk")

    signed_in(agent).post(
        f"/tickets/{ticket.number}/reply/", {"body": "Log.", "attachments": [workspace]}
    )
    signed_in(customer.user).post(
        f"/portal/tickets/{ticket.number}/reply/", {"body": "Photo.", "attachments": [portal]}
    )

    stored = dict(Attachment.objects.values_list("filename", "content_type"))
    assert stored == {"log.txt": "text/plain", "photo.png": "image/png"}


@pytest.fixture
def stored_badly(ticket, customer):
    """An attachment stored before types were checked: a header injection in its type and
    a line break in its name."""
    message = services.reply_to_ticket(
        ticket,
        body="Attached",
        actor=Actor.for_customer(customer),
        attachments=[services.NewAttachment(filename="scan.html", content=b"<script>1</script>")],
    )
    attachment = message.attachments.get()
    Attachment.objects.filter(pk=attachment.pk).update(
        content_type="text/html\r\nSet-Cookie: a=b", filename="scan\r\n.html"
    )
    return attachment


def test_an_attachment_stored_with_a_bad_type_downloads_everywhere_as_bytes(
    stored_badly, agent, customer, api_as
):
    responses = [
        api_as(agent).get(f"/api/v1/tickets/attachments/{stored_badly.pk}"),
        signed_in(agent).get(f"/tickets/attachments/{stored_badly.pk}/"),
        signed_in(customer.user).get(f"/portal/attachments/{stored_badly.pk}/"),
    ]

    for response in responses:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"] == 'attachment; filename="scan_.html"'
        assert "Set-Cookie" not in response
        assert b"".join(response.streaming_content) == b"<script>1</script>"


def test_downloads_are_refused_to_those_who_do_not_see_the_ticket(
    stored_badly, outsider, other_customer, api_as
):
    assert api_as(outsider).get(f"/api/v1/tickets/attachments/{stored_badly.pk}").status_code == 404
    assert api_as(None).get(f"/api/v1/tickets/attachments/{stored_badly.pk}").status_code == 401
    assert signed_in(outsider).get(f"/tickets/attachments/{stored_badly.pk}/").status_code == 404
    portal = signed_in(other_customer.user).get(f"/portal/attachments/{stored_badly.pk}/")
    assert portal.status_code == 404


def test_odd_file_names_are_taken_and_download_under_a_safe_name(agent, api_as):
    api = api_as(agent)

    for name in ODD_NAMES:
        created = api.post("/api/v1/tickets", new_ticket([attachment_in(filename=name)]))
        assert (name, created.status_code) == (name, 201)
        attachment = Attachment.objects.order_by("-id")[0]
        download = api.get(f"/api/v1/tickets/attachments/{attachment.pk}")
        assert (name, download.status_code) == (name, 200)
        assert b"".join(download.streaming_content) == b"hello"


def test_no_api_path_answers_with_an_html_page(agent, api_as):
    api = api_as(agent)
    answers = [
        api.get("/api/v1/no-such-thing"),
        api.put("/api/v1/tickets", {}),
        api.delete("/api/v1/tickets"),
        Client().generic(
            "POST",
            "/api/v1/tickets",
            b'--B\r\nContent-Disposition: form-data; name="f"; filename=")"\r\n\r\nx\r\n--B--\r\n',
            content_type="multipart/form-data; boundary=B",
            headers={"Authorization": f"Bearer {factories.token_for(agent)}"},
        ),
    ]

    assert [a.status_code for a in answers] == [404, 405, 405, 400]
    for answer in answers:
        assert answer["Content-Type"] == "application/json; charset=utf-8"
        assert set(answer.json()) >= {"detail", "code"}
    assert set(answers[1]["Allow"].split(", ")) == {"GET", "POST"}


def test_attachments_up_to_the_limit_are_taken_and_larger_refused_as_json(agent, api_as, settings):
    settings.FRONTLINE_MAX_ATTACHMENT_BYTES = 1000
    api = api_as(agent)

    taken = api.post("/api/v1/tickets", new_ticket([attachment_in(b"x" * 1000)]))
    refused = api.post("/api/v1/tickets", new_ticket([attachment_in(b"x" * 1001)]))

    assert taken.status_code == 201
    assert refused.status_code == 413
    assert refused.json() == {
        "detail": "The attachment 'a.txt' is 1001 bytes; the limit is 1000.",
        "code": "too_large",
        "field": "attachments.0",
    }


def test_a_request_body_over_the_limit_is_refused_as_json_not_an_html_page(agent, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4000
    api = api_as(agent)

    taken = api.post("/api/v1/tickets", new_ticket([attachment_in(b"x" * 2000)]))
    refused = api.post("/api/v1/tickets", new_ticket([attachment_in(b"x" * 3000)]))

    assert taken.status_code == 201
    assert (refused.status_code, refused.json()["code"]) == (413, "too_large")
    assert refused.json()["field"] == "body"


def test_the_default_request_limit_admits_an_attachment_at_the_limit_in_base64(agent, settings):
    """25 MiB of bytes is 33.3 MiB of base64: the request must fit, or the API answered a
    bare 400 between 19.5 and 25 MiB."""
    content = b"\x00\xff" * (settings.FRONTLINE_MAX_ATTACHMENT_BYTES // 2)
    body = json.dumps(new_ticket([attachment_in(content, filename="big.bin")]))

    response = Client().post(
        "/api/v1/tickets",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {factories.token_for(agent)}"},
    )

    assert response.status_code == 201
    assert Attachment.objects.get().size == settings.FRONTLINE_MAX_ATTACHMENT_BYTES
