"""The site's address and its TLS settings: SITE_URL (checked at start-up, defaulted by
`frontline run`), secure cookies when it is https, HSTS and a proxy's TLS header."""

import runpy
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

import frontline.settings

SETTINGS_FILE = Path(frontline.settings.__file__)
SECURITY_VARIABLES = [
    "SITE_URL",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "FRONTLINE_CLIENT_IP_HEADER",
]


def settings_read_from(monkeypatch, tmp_path, **env):
    """frontline/settings.py as a fresh process would read it from these variables."""
    for name in SECURITY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_an_https_site_gets_secure_cookies_by_default(monkeypatch, tmp_path):
    read = settings_read_from(monkeypatch, tmp_path, SITE_URL="https://help.example.com/")

    assert read["SITE_URL"] == "https://help.example.com"
    assert (read["SESSION_COOKIE_SECURE"], read["CSRF_COOKIE_SECURE"]) == (True, True)


def test_a_plain_http_site_keeps_cookies_usable_and_a_variable_overrides(monkeypatch, tmp_path):
    plain = settings_read_from(monkeypatch, tmp_path)
    forced = settings_read_from(
        monkeypatch, tmp_path, SITE_URL="https://help.example.com", SESSION_COOKIE_SECURE="false"
    )

    assert plain["SITE_URL"] == "http://127.0.0.1:8000"
    assert (plain["SESSION_COOKIE_SECURE"], plain["CSRF_COOKIE_SECURE"]) == (False, False)
    assert (forced["SESSION_COOKIE_SECURE"], forced["CSRF_COOKIE_SECURE"]) == (False, True)


def test_tls_settings_come_from_the_environment(monkeypatch, tmp_path):
    read = settings_read_from(
        monkeypatch,
        tmp_path,
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
        SECURE_SSL_REDIRECT="true",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        FRONTLINE_CLIENT_IP_HEADER="X-Forwarded-For",
    )
    other_header = settings_read_from(
        monkeypatch, tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Ssl: on"
    )

    assert read["SECURE_HSTS_SECONDS"] == 31536000
    assert read["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is read["SECURE_HSTS_PRELOAD"] is True
    assert read["SECURE_SSL_REDIRECT"] is True
    assert read["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert read["FRONTLINE_CLIENT_IP_HEADER"] == "HTTP_X_FORWARDED_FOR"
    assert other_header["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_SSL", "on")
    assert other_header["SECURE_SSL_REDIRECT"] is False


@pytest.mark.parametrize(
    "bad", ["help.example.com", "ftp://help.example.com", "https://help.example.com/desk/"]
)
def test_a_site_url_that_is_not_a_scheme_and_host_stops_start_up(monkeypatch, tmp_path, bad):
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        settings_read_from(monkeypatch, tmp_path, SITE_URL=bad)


def test_behind_a_tls_proxy_plain_http_is_redirected_and_https_gets_hsts(agent, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SESSION_COOKIE_SECURE = True

    plain = Client().get("/accounts/sign-in/")
    secure = Client(headers={"X-Forwarded-Proto": "https"})
    page = secure.get("/accounts/sign-in/")
    signed_in = secure.post(
        "/accounts/sign-in/", {"username": agent.email, "password": "correct horse battery"}
    )

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/sign-in/"
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=3600"
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] is True


def test_frontline_run_puts_site_url_where_it_serves(db, settings, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)

    call_command("run", host="10.1.2.3", port=8123, no_demo=True, no_serve=True, stdout=StringIO())

    assert settings.SITE_URL == "http://10.1.2.3:8123"


def test_frontline_run_keeps_a_site_url_that_is_set(db, settings, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://help.example.com")
    settings.SITE_URL = "https://help.example.com"

    call_command("run", host="10.1.2.3", port=8123, no_demo=True, no_serve=True, stdout=StringIO())

    assert settings.SITE_URL == "https://help.example.com"
