"""Evidence uploads from phones: 200 photos through the API into a local S3 server (moto).

    .venv/bin/python bench/evidence_upload.py [--uploads 200 --big-uploads 20]

What runs: a moto S3 server on 127.0.0.1 (in this process, a private bucket), the app under
gunicorn (one sync worker, SQLite in a temporary folder, `AWS_STORAGE_BUCKET_NAME` set so evidence
goes to the bucket) as a subprocess, and this script as the phone: each upload is one multipart
POST /api/v1/orders/<id>/evidence/ of a 12 MP JPEG with phone EXIF (time, GPS, make/model).

What it prints: p50/p95 of the request, and the memory of the web process, measured from outside:
the gunicorn worker's resident set (VmRSS in /proc, sampled every 5 ms, peak per phase) and its
high-water mark (VmHWM). The same 12 MP photo is sent as a 3 MB and a 9 MB file (more detail, same
pixels), and a 9 MB PDF: if the upload were read whole into memory (more than once), the 9 MB phases
would peak higher than the 3 MB one. Decoding the photo costs its pixels (12 MP x 3 bytes = 36 MB)
whatever the file size; that is the floor both photo phases share.

Run by hand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3
import requests
from moto.server import ThreadedMotoServer
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
BUCKET = "bench-evidence"
MB = 1024 * 1024

SETUP = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from orders.models import Order
from sellers.models import Contract, DeviceToken, MarketplaceSite, Membership, Seller
site = MarketplaceSite.objects.create(code="plazavea", name="Plaza Vea")
seller = Seller.objects.create(name="Tienda Andina SAC", tax_id="20601234565")
Contract.objects.create(seller=seller)
user = get_user_model().objects.create_user("andina", password="demo1234")
Membership.objects.create(user=user, seller=seller, role="owner")
now = timezone.now()
order = Order.objects.create(
    seller=seller, site=site, number="1", external_id="B-1", placed_at=now - timedelta(days=2),
    buyer_full_name="Lucía Ramírez Castillo", buyer_document_number="45781236", subtotal=10, total=10,
    handling_deadline=now - timedelta(days=1), status="shipped", shipped_at=now - timedelta(days=1),
)
print(DeviceToken.objects.create(user=user, device_name="bench")[1], order.pk)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "Google", "Pixel 8", "2026:11:21 11:05:00"
    exif.get_ifd(0x8769)[0x9003] = "2026:11:21 11:05:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (12, 5, 14.6), "W", (77, 3, 0.7)
    return exif


def photo_of_about(target_bytes: int) -> bytes:
    """A 4000 x 3000 JPEG with EXIF whose size is near the target: detail (blur) and quality vary."""
    best = b""
    for blur in (1.4, 1.2, 1.0, 0.8, 0.6, 0.4, 0.0):
        base = Image.effect_noise((4000, 3000), 40)
        base = (base.filter(ImageFilter.GaussianBlur(blur)) if blur else base).convert("RGB")
        for quality in (85, 90, 93, 95, 97):
            buffer = io.BytesIO()
            base.save(buffer, format="JPEG", quality=quality, exif=phone_exif())
            data = buffer.getvalue()
            if abs(len(data) - target_bytes) < abs(len(best) - target_bytes):
                best = data
        if len(best) >= target_bytes * 0.95:
            break
    return best


def pdf_of(size: int) -> bytes:
    head = b"%PDF-1.4\n1 0 obj << /Length " + str(size).encode() + b" >> stream\n"
    return head + os.urandom(size - len(head) - 40).replace(b"%%EOF", b"%%EOE") + b"\nendstream endobj\n%%EOF\n"


class RssSampler:
    """Samples a process's resident set from /proc; `peak()` since the last `reset()`."""

    def __init__(self, pid: int):
        self.pid, self.maximum, self.running = pid, 0, True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def field(self, name: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
        return 0

    def run(self) -> None:
        while self.running:
            self.maximum = max(self.maximum, self.field("VmRSS"))
            time.sleep(0.005)

    def reset(self) -> int:
        self.maximum = now = self.field("VmRSS")
        return now

    def peak(self) -> int:
        return self.maximum


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def wait_until_up(url: str) -> None:
    for _ in range(200):
        try:
            # the first answer of a cold worker can take seconds on a slow machine
            requests.get(url, timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise SystemExit("the web process did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--big-uploads", type=int, default=20)
    args = parser.parse_args()

    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    moto.start()
    endpoint = "http://{}:{}".format(*moto.get_host_and_port())
    credentials = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench-secret"}
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
    s3.create_bucket(Bucket=BUCKET)

    workdir = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "SELLERCENTER_VAR_DIR": str(workdir),
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": credentials["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": credentials["aws_secret_access_key"],
        "CELERY_BROKER_URL": "memory://",
        "API_RATE_TOKEN_WRITE": "1000000/min",  # a benchmark measures speed, not the API's rates
    }
    manage = [str(PYTHON), str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    setup = subprocess.run(
        [*manage, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    token, order_id = setup.stdout.strip().splitlines()[-1].split()

    print("building the files…", flush=True)
    photo3, photo9, pdf9 = photo_of_about(3 * MB), photo_of_about(9 * MB), pdf_of(9 * MB)

    port = free_port()
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "sellercenter.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/api/v1/schema/")
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        worker = int(children[0])
        sampler = RssSampler(worker)
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        url = f"{base}/api/v1/orders/{order_id}/evidence/"

        def upload(name: str, data: bytes) -> float:
            started = time.perf_counter()
            answer = session.post(url, data={"kind": "buyer_receiving"}, files={"file": (name, data)})
            elapsed = time.perf_counter() - started
            if answer.status_code != 201:
                raise SystemExit(f"upload failed: {answer.status_code} {answer.text[:300]}")
            return elapsed

        for _ in range(3):  # warm-up: imports, first connections, Pillow's codecs
            upload("foto.jpg", photo3)
        rows = []
        for label, name, data, count in (
            (f"photo {len(photo3) / MB:.1f} MB", "foto.jpg", photo3, args.uploads),
            (f"photo {len(photo9) / MB:.1f} MB", "foto.jpg", photo9, args.big_uploads),
            (f"PDF {len(pdf9) / MB:.1f} MB", "guia.pdf", pdf9, args.big_uploads),
        ):
            before = sampler.reset()
            times = [upload(name, data) for _ in range(count)]
            rows.append((label, count, times, before, sampler.peak()))
        high_water = sampler.field("VmHWM")
        sampler.running = False
        objects = s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0)
    finally:
        server.terminate()
        server.wait(timeout=30)
        moto.stop()

    print(f"\nweb process: one gunicorn sync worker (pid {worker}), RSS sampled from /proc every 5 ms")
    print(f"{'upload':<16}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'RSS before':>12}{'peak RSS':>10}{'peak-before':>13}")
    for label, count, times, before, peak in rows:
        print(
            f"{label:<16}{count:>5}{percentile(times, 0.5) * 1000:>9.0f}{percentile(times, 0.95) * 1000:>9.0f}"
            f"{before / MB:>10.0f}MB{peak / MB:>8.0f}MB{(peak - before) / MB:>11.0f}MB"
        )
    print(f"worker's high-water mark (VmHWM) over the whole run: {high_water / MB:.0f} MB")
    print(f"objects in the bucket: {objects} (each photo: stored copy + thumbnail; each PDF: one)")
    print(f"mean of the {rows[0][1]} photo uploads: {statistics.mean(rows[0][2]) * 1000:.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
