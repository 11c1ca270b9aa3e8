"""Evidence tests: a real S3-compatible server (moto) on 127.0.0.1, phone-like photos, API clients.

moto 5.2 serves S3 faithfully for what we use (PUT/GET/HEAD/DELETE, ACLs, anonymous access to a
private object is 403) but does not enforce the expiry or the signature of presigned URLs: it
serves any URL that looks signed. Real S3 refuses a presigned URL once `X-Amz-Date + X-Amz-Expires`
is past, and one whose query was altered. `PresignedUrlGate` applies exactly those two rules in
front of moto (recomputing the SigV4 query signature with botocore), so the tests can show that an
expired or tampered URL stops working.
"""

from __future__ import annotations

import io
import socket
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

import boto3
import pytest
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from PIL import Image
from werkzeug.serving import make_server

from tests.api.conftest import client_with_token, token_for

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
REGION = "us-east-1"
AUTH_PARAMS = {
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
}
DENIED = b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>%s</Message></Error>'


class SignedAt(S3SigV4QueryAuth):
    """Signs as of the URL's own X-Amz-Date: botocore's add_auth would use "now", and a second
    ticking between presigning and checking would then look like a forged signature."""

    def __init__(self, signed_at: datetime, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_at = signed_at

    def add_auth(self, request) -> None:
        request.context["timestamp"] = self.signed_at.strftime("%Y%m%dT%H%M%SZ")
        self._modify_request_before_signing(request)
        canonical_request = self.canonical_request(request)
        signature = self.signature(self.string_to_sign(request, canonical_request), request)
        self._inject_signature_to_request(request, signature)


class PresignedUrlGate:
    """WSGI middleware: what AWS does with a presigned URL that moto leaves out."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if "X-Amz-Signature" in query:
            problem = self.problem(environ, query)
            if problem:
                start_response("403 Forbidden", [("Content-Type", "application/xml")])
                return [DENIED % problem.encode()]
        return self.app(environ, start_response)

    @staticmethod
    def problem(environ, query: dict) -> str:
        signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        expires = int(query["X-Amz-Expires"])
        if time.time() > signed_at.timestamp() + expires:
            return "Request has expired"
        rest = [(k, v) for k, v in parse_qsl(environ["QUERY_STRING"], keep_blank_values=True) if k not in AUTH_PARAMS]
        url = f"http://{environ['HTTP_HOST']}{environ.get('RAW_URI') or environ['PATH_INFO']}".split("?")[0]
        request = AWSRequest(method=environ["REQUEST_METHOD"], url=url + ("?" + urlencode(rest) if rest else ""))
        SignedAt(signed_at, Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION, expires=expires).add_auth(request)
        expected = dict(parse_qsl(request.url.split("?", 1)[1]))["X-Amz-Signature"]
        if expected != query["X-Amz-Signature"]:
            return "The request signature we calculated does not match the signature you provided"
        return ""


class QuietHandler(MotoRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


class GatedMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = PresignedUrlGate(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=QuietHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """One moto S3 server for the whole run, on a free port of 127.0.0.1."""
    server = GatedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_client(s3_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture
def bucket(s3_client, settings, request):
    """A fresh private bucket per test, and Django's default storage pointed at it (as production)."""
    name = f"evidence-{request.node.name.lower()[:20].strip('-_[]')}-{time.monotonic_ns() % 10**9}"
    name = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in name)[:63].strip("-")
    s3_client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_client.meta.endpoint_url,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
                "signature_version": "s3v4",
            },
        },
    }
    yield name


def bucket_keys(s3_client, name: str) -> list[str]:
    return [item["Key"] for item in s3_client.list_objects_v2(Bucket=name).get("Contents", [])]


# --- files as phones and couriers send them -----------------------------------------------------------


def rational_dms(value: float) -> tuple:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (degrees, minutes, seconds)


def phone_exif(
    *, taken: str = "2026:11:20 15:42:10", lat: float = -12.0874, lon: float = -77.0502, orientation: int = 1
) -> Image.Exif:
    """EXIF as a phone writes it: local time, GPS (Lince, Lima), make/model, a serial number."""
    exif = Image.Exif()
    exif[0x010F] = "Google"  # Make
    exif[0x0110] = "Pixel 8"  # Model
    exif[0x0112] = orientation
    exif[0x0132] = taken  # DateTime
    details = exif.get_ifd(0x8769)
    details[0x9003] = taken  # DateTimeOriginal
    details[0xA431] = "SERIAL-12345"  # BodySerialNumber: must not survive
    gps = exif.get_ifd(0x8825)
    gps[1] = "S" if lat < 0 else "N"
    gps[2] = rational_dms(abs(lat))
    gps[3] = "W" if lon < 0 else "E"
    gps[4] = rational_dms(abs(lon))
    return exif


def jpeg_bytes(size=(64, 48), *, exif: Image.Exif | None = None, quality: int = 85, noise: bool = False) -> bytes:
    image = Image.effect_noise(size, 80).convert("RGB") if noise else Image.new("RGB", size, (10, 90, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def webp_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 160, 40)).save(buffer, format="WEBP")
    return buffer.getvalue()


def heic_bytes(size=(64, 48), *, exif: Image.Exif | None = None) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 40, 160)).save(
        buffer, format="HEIF", quality=80, **({"exif": exif.tobytes()} if exif is not None else {})
    )
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(name: str, content: bytes) -> io.BytesIO:
    buffer = io.BytesIO(content)
    buffer.name = name
    return buffer


@pytest.fixture
def device(owner):
    """Seller A's owner on a phone (a device token)."""
    return client_with_token(token_for(owner))


@pytest.fixture
def other_device(other_owner):
    return client_with_token(token_for(other_owner))
