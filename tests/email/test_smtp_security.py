"""SMTP over STARTTLS and implicit TLS, with a login, against real loopback servers."""

from __future__ import annotations

import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.extensions import db
from app.mail.delivery import drain
from app.mail.models import OutboxStatus
from app.mail.services import queue_email
from tests.conftest import CatchingHandler, free_port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (trusted through SSL_CERT_FILE in the test)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def authenticator(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"newcomers",
        b"s3cret-app-password",
    )
    return AuthResult(success=ok, handled=False)  # False: aiosmtpd answers 535 itself


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_secure_delivery_with_a_login(app, monkeypatch, certificate, security):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = CatchingHandler()
    options = {"authenticator": authenticator}
    if security == "starttls":
        options.update(tls_context=context, require_starttls=True, auth_required=True)
    else:
        # aiosmtpd does not see implicit TLS as TLS when deciding to offer AUTH.
        options.update(ssl_context=context, auth_require_tls=False)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust our own test certificate
    controller.start()
    try:
        for key_, value in {
            "MAIL_PORT": controller.port,
            "MAIL_SECURITY": security,
            "MAIL_USERNAME": "newcomers",
            "MAIL_PASSWORD": "s3cret-app-password",
        }.items():
            monkeypatch.setitem(app.config, key_, value)
        message = queue_email(
            "reader@example.org",
            "subscription_manage",
            subject="Over TLS",
            context={"preferences_url": "http://x/y"},
        )
        db.session.commit()
        drain()
        db.session.refresh(message)
        assert message.status == OutboxStatus.SENT, message.last_error
        assert [m["Subject"] for m in handler.messages] == ["Over TLS"]

        monkeypatch.setitem(app.config, "MAIL_PASSWORD", "wrong")
        queue_email(
            "reader@example.org",
            "subscription_manage",
            subject="Refused",
            context={"preferences_url": "http://x/y"},
        )
        db.session.commit()
        report = drain()
        assert (report.sent, report.retried) == (0, 1)  # a login problem is retried later
    finally:
        controller.stop()
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT
