"""A real S3-protocol server for the file tests: moto's standalone server, in its own process.

`.ci/run` starts one and exports PORTAL_TEST_S3_ENDPOINT, so every test's private store is the
bucket (tests/conftest.py). Without that variable, tests marked `s3` start their own server
(once per test process) on a free port. Nothing here patches boto3 in the test process: the
portal talks HTTP to the server exactly as it would to a real bucket.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ENDPOINT_ENV = "PORTAL_TEST_S3_ENDPOINT"
BUCKET = "portal-test"
REGION = "eu-west-2"
# moto accepts any keys; fixed ones keep the tests away from a developer's real AWS profile.
ACCESS_KEY, SECRET_KEY = "portal-test-key", "portal-test-secret"
_buckets_made: set[tuple[str, str]] = set()


def moto_server_command() -> str | None:
    here = Path(sys.executable).parent / "moto_server"
    return str(here) if here.exists() else shutil.which("moto_server")


def wait_until_answering(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=2).close()  # noqa: S310 - a local test server
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def start_server() -> tuple[str, subprocess.Popen]:
    command = moto_server_command()
    if command is None:
        raise FileNotFoundError("moto_server is not installed (pip install -r requirements-dev.txt)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [command, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url)
    except OSError:
        process.kill()
        raise
    return url, process


def client(endpoint: str):
    import boto3

    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )


def ensure_bucket(endpoint: str, bucket: str = BUCKET) -> None:
    if (endpoint, bucket) in _buckets_made:
        return
    s3 = client(endpoint)
    try:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass  # another test process made it first
    _buckets_made.add((endpoint, bucket))


def storage_config(endpoint: str, bucket: str = BUCKET, prefix: str = "", *, give_up_fast: bool = False) -> dict:
    """The same S3 settings the portal builds from PORTAL_S3_* (config/settings.py).
    `give_up_fast`: one attempt with a one-second connect timeout (for an address nothing serves)."""
    options: dict = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "location": prefix,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
        },
    }
    if give_up_fast:
        from botocore.config import Config

        options["OPTIONS"]["client_config"] = Config(connect_timeout=1, retries={"max_attempts": 1})
    return options


@dataclass
class Bucket:
    """A test's own corner of the bucket (a unique prefix), and what is really stored in it."""

    endpoint: str
    name: str
    prefix: str

    def keys(self) -> list[str]:
        listing = client(self.endpoint).list_objects_v2(Bucket=self.name, Prefix=self.prefix + "/")
        return sorted(item["Key"][len(self.prefix) + 1 :] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return client(self.endpoint).get_object(Bucket=self.name, Key=f"{self.prefix}/{key}")["Body"].read()


def use_bucket(settings, endpoint: str, bucket: str = BUCKET) -> Bucket:
    """Point the private store (and Django's default) at a fresh prefix of the bucket."""
    ensure_bucket(endpoint, bucket)
    prefix = f"test-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    config = storage_config(endpoint, bucket, prefix)
    settings.STORAGES = {**settings.STORAGES, "private": config, "default": config}
    return Bucket(endpoint, bucket, prefix)
